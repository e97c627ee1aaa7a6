#include "server/auth/credentials.h"

#include <catch2/catch.hpp>
#include <vector>

using smg::server::Bearer;
using smg::server::BearerState;
using smg::server::extract_bearer;
using smg::server::extract_bearer_or_api_key;
using smg::server::looks_like_jwt;
using smg::server::Request;

namespace {

Request with_headers(std::initializer_list<std::pair<std::string, std::string>> headers) {
  Request request;
  request.method = "GET";
  request.path = "/workers";
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  return request;
}

Bearer bearer_of(const std::string& authorization) {
  return extract_bearer(with_headers({{"Authorization", authorization}}));
}

}  // namespace

TEST_CASE("credentials: the Bearer scheme is matched case-insensitively", "[auth][credentials]") {
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    INFO(scheme);
    Bearer bearer = bearer_of(std::string(scheme) + " tok-123");
    CHECK(bearer.state == BearerState::kPresent);
    CHECK(bearer.token == "tok-123");
  }
  SECTION("surrounding spaces around the token are not part of it") {
    Bearer bearer = bearer_of("Bearer   tok-123  ");
    CHECK(bearer.state == BearerState::kPresent);
    CHECK(bearer.token == "tok-123");
  }
  SECTION("the header name is case-insensitive too") {
    Bearer bearer = extract_bearer(with_headers({{"authorization", "Bearer abc"}}));
    CHECK(bearer.state == BearerState::kPresent);
    CHECK(bearer.token == "abc");
  }
}

TEST_CASE("credentials: missing is told apart from malformed", "[auth][credentials]") {
  CHECK(extract_bearer(with_headers({})).state == BearerState::kMissing);
  CHECK(extract_bearer(with_headers({{"X-Other", "Bearer abc"}})).state == BearerState::kMissing);
  const std::vector<std::string> malformed = {
       "", "Bearer", "Bearer ", "Bearer    ", "Basic YWRtaW46cHc=", "Token abc", "Bearerabc",
        "Bearer\tabc", "Bearer abc def", "Bearer abc\tdef", std::string("Bearer abc\x01", 11),
        std::string("Bearer ab\x7f", 10), "Bearer abc\r\nX-Injected: 1", "Bearer t\xc3\xa9st"};
  for (const std::string& value : malformed) {
    INFO(value);
    Bearer bearer = bearer_of(value);
    CHECK(bearer.state == BearerState::kMalformed);
    CHECK(bearer.token.empty());
  }
}

TEST_CASE("credentials: X-API-Key is a fallback for data-plane callers", "[auth][credentials]") {
  SECTION("used when there is no Authorization header") {
    Bearer bearer = extract_bearer_or_api_key(with_headers({{"X-API-Key", "key-1"}}));
    CHECK(bearer.state == BearerState::kPresent);
    CHECK(bearer.token == "key-1");
    CHECK(extract_bearer_or_api_key(with_headers({{"x-api-key", "key-1"}})).token == "key-1");
  }
  SECTION("Authorization wins when both are present") {
    Bearer bearer = extract_bearer_or_api_key(
        with_headers({{"Authorization", "Bearer from-auth"}, {"X-API-Key", "from-x"}}));
    CHECK(bearer.token == "from-auth");
  }
  SECTION("a malformed Authorization header is not rescued by X-API-Key") {
    Bearer bearer = extract_bearer_or_api_key(
        with_headers({{"Authorization", "Basic abc"}, {"X-API-Key", "from-x"}}));
    CHECK(bearer.state == BearerState::kMalformed);
  }
  SECTION("an empty or unsafe X-API-Key is malformed") {
    CHECK(extract_bearer_or_api_key(with_headers({{"X-API-Key", ""}})).state ==
          BearerState::kMalformed);
    CHECK(extract_bearer_or_api_key(with_headers({{"X-API-Key", "a b"}})).state ==
          BearerState::kMalformed);
  }
  SECTION("neither header: missing") {
    CHECK(extract_bearer_or_api_key(with_headers({})).state == BearerState::kMissing);
  }
  SECTION("the control-plane extractor ignores X-API-Key") {
    CHECK(extract_bearer(with_headers({{"X-API-Key", "key-1"}})).state == BearerState::kMissing);
  }
}

TEST_CASE("credentials: looks_like_jwt means exactly three dot-separated parts",
          "[auth][credentials]") {
  CHECK(looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
  CHECK(looks_like_jwt("a.b.c"));
  CHECK_FALSE(looks_like_jwt("a.b"));
  CHECK_FALSE(looks_like_jwt("a.b.c.d"));
  CHECK_FALSE(looks_like_jwt("plain-api-key"));
  CHECK_FALSE(looks_like_jwt(""));
}
