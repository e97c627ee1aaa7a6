#include <catch2/catch.hpp>

#include "common/http/http_client.h"

using smg::http::check_fetch_url;
using smg::http::is_loopback_url;

TEST_CASE("http: fetch URLs must be https unless loopback", "[http]") {
  CHECK(check_fetch_url("https://idp.example.com/.well-known/jwks.json").ok());
  CHECK(check_fetch_url("http://127.0.0.1:8080/jwks").ok());
  CHECK(check_fetch_url("http://127.9.9.9/jwks").ok());
  CHECK(check_fetch_url("http://localhost/jwks").ok());
  CHECK(check_fetch_url("http://[::1]:9000/jwks").ok());
  CHECK(check_fetch_url("http://idp.example.com/jwks").reason() == "insecure_url");
  CHECK(check_fetch_url("http://127.0.0.1.evil.com/jwks").reason() == "insecure_url");
  CHECK(check_fetch_url("http://10.0.0.1/jwks").reason() == "insecure_url");
  CHECK(check_fetch_url("file:///etc/passwd").reason() == "insecure_url");
  CHECK(check_fetch_url("ftp://127.0.0.1/x").reason() == "insecure_url");
  CHECK(check_fetch_url("not a url").reason() == "bad_url");
  CHECK(is_loopback_url("http://127.0.0.1:1/"));
  CHECK_FALSE(is_loopback_url("https://example.com/"));
}

TEST_CASE("http: loopback listen hosts", "[http]") {
  using smg::http::is_loopback_host;
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("[::1]"));
  CHECK_FALSE(is_loopback_host("127.example.com"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("::"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
}
