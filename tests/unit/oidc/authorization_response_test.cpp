// The loopback redirect of `smgctl login --pkce`: state first, then the provider's error, then
// the code.
#include "common/oidc/authorization_response.h"

#include <catch2/catch.hpp>

using smg::oidc::authorization_code_from_redirect;
using Params = std::multimap<std::string, std::string>;

TEST_CASE("authorization_response: a matching state yields the code", "[login]") {
  auto code = authorization_code_from_redirect({{"code", "c-1"}, {"state", "s-1"}}, "s-1");
  REQUIRE(code.ok());
  CHECK(*code == "c-1");
}

TEST_CASE("authorization_response: state mismatch is refused before the code is used",
          "[login][attack]") {
  Params params{{"code", "attacker-code"}};
  SECTION("a different state") { params.emplace("state", "s-2"); }
  SECTION("no state") {}
  SECTION("an empty state") { params.emplace("state", ""); }
  SECTION("the right state twice and another") {
    params.emplace("state", "s-1");
    params.emplace("state", "s-x");
  }
  auto code = authorization_code_from_redirect(params, "s-1");
  REQUIRE_FALSE(code.ok());
  CHECK(code.status().reason() == "oidc_state_mismatch");
  CHECK(code.status().message().find("attacker-code") == std::string::npos);
}

TEST_CASE("authorization_response: missing code", "[login]") {
  CHECK(authorization_code_from_redirect({{"state", "s-1"}}, "s-1").status().reason() ==
        "oidc_code_missing");
  CHECK(
      authorization_code_from_redirect({{"state", "s-1"}, {"code", ""}}, "s-1").status().reason() ==
      "oidc_code_missing");
}

TEST_CASE("authorization_response: the provider's error ends the login", "[login]") {
  auto denied = authorization_code_from_redirect(
      {{"state", "s-1"}, {"error", "access_denied"}, {"error_description", "\x1b[2Jgo away"}},
      "s-1");
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.status().reason() == "oidc_login_denied");
  CHECK(denied.status().message().find("access_denied") != std::string::npos);
  CHECK(denied.status().message().find("go away") == std::string::npos);
  auto odd = authorization_code_from_redirect({{"state", "s-1"}, {"error", "\x1b]0;x"}}, "s-1");
  CHECK(odd.status().message().find("invalid_response") != std::string::npos);
}
