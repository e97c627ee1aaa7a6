#include <catch2/catch.hpp>

#include "server/admin/https_rule.h"

using smg::server::Request;
using smg::server::admin::request_is_https;

namespace {

Request from(const std::string& address, std::vector<std::string> forwarded = {}) {
  Request request;
  request.remote_addr = address;
  for (auto& value : forwarded) request.headers.emplace("X-Forwarded-Proto", value);
  return request;
}

}  // namespace

TEST_CASE("https rule: TLS or a trusted proxy's X-Forwarded-Proto", "[admin][basic]") {
  auto trusted = *smg::net::parse_cidrs({"127.0.0.1/32", "fd00::/8"});
  Request tls = from("203.0.113.9");
  tls.tls = true;
  CHECK(request_is_https(tls, {}));
  CHECK_FALSE(request_is_https(from("127.0.0.1"), trusted));
  CHECK(request_is_https(from("127.0.0.1", {"https"}), trusted));
  CHECK(request_is_https(from("::ffff:127.0.0.1", {"HTTPS"}), trusted));
  CHECK(request_is_https(from("fd00::5", {"https"}), trusted));
  CHECK_FALSE(request_is_https(from("127.0.0.1", {"http"}), trusted));
}

TEST_CASE("https rule: forged or ambiguous X-Forwarded-Proto", "[admin][basic][attack]") {
  auto trusted = *smg::net::parse_cidrs({"127.0.0.1/32", "fd00::/8"});
  SECTION("from an untrusted peer it is ignored") {
    CHECK_FALSE(request_is_https(from("203.0.113.9", {"https"}), trusted));
    CHECK_FALSE(request_is_https(from("2001:db8::1", {"https"}), trusted));
    CHECK_FALSE(request_is_https(from("127.0.0.1", {"https"}), {}));
  }
  SECTION("two values are refused") {
    CHECK_FALSE(request_is_https(from("127.0.0.1", {"https, http"}), trusted));
    CHECK_FALSE(request_is_https(from("127.0.0.1", {"https", "https"}), trusted));
    CHECK_FALSE(request_is_https(from("127.0.0.1", {"https,https"}), trusted));
  }
}
