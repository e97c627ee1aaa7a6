#include <catch2/catch.hpp>

#include "common/jwt/claims.h"

using nlohmann::json;
using smg::Role;
using smg::jwt::IdentityOptions;
using smg::jwt::principal_from_claims;

namespace {

smg::Principal principal(const json& claims, const IdentityOptions& options = {}) {
  auto result = principal_from_claims(claims, options);
  REQUIRE(result.ok());
  return *result;
}

}  // namespace

TEST_CASE("jwt claims: subject from sub, else email, else preferred_username", "[jwt][claims]") {
  CHECK(principal({{"sub", "s1"}, {"email", "e@x"}}).subject == "jwt:s1");
  CHECK(principal({{"email", "e@x"}, {"preferred_username", "p"}}).subject == "jwt:e@x");
  CHECK(principal({{"preferred_username", "p"}}).display_name == "p");
  CHECK(principal({{"sub", ""}, {"email", "e@x"}}).subject == "jwt:e@x");
  CHECK(principal({{"sub", 42}, {"email", "e@x"}}).subject == "jwt:e@x");
  auto none = principal_from_claims({{"roles", "admin"}}, {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().reason() == "jwt_missing_subject");
  CHECK(principal({{"sub", "s"}}).auth_method == smg::AuthMethod::kJwt);
}

TEST_CASE("jwt claims: role without a mapping", "[jwt][claims]") {
  SECTION("default is user") { CHECK(principal({{"sub", "s"}}).role == Role::kUser); }
  SECTION("string value, case-insensitive") {
    CHECK(principal({{"sub", "s"}, {"roles", "Admin"}}).role == Role::kAdmin);
  }
  SECTION("array value; admin wins when any value says admin") {
    auto p = principal({{"sub", "s"}, {"roles", {"user", "ADMIN"}}});
    CHECK(p.role == Role::kAdmin);
    CHECK(p.groups == std::vector<std::string>{"user", "ADMIN"});
  }
  SECTION("union of role, roles, groups, group when the configured claim is absent") {
    IdentityOptions options{.role_claim = "realm_roles"};
    auto p = principal({{"sub", "s"}, {"role", "x"}, {"groups", {"y", "admin"}}, {"group", "z"}},
                       options);
    CHECK(p.role == Role::kAdmin);
    CHECK(p.groups == std::vector<std::string>{"x", "y", "admin", "z"});
  }
  SECTION("configured claim present wins over the fallbacks") {
    IdentityOptions options{.role_claim = "realm_roles"};
    auto p = principal({{"sub", "s"}, {"realm_roles", "user"}, {"groups", "admin"}}, options);
    CHECK(p.role == Role::kUser);
  }
  SECTION("URL-like claim name is a plain top-level key") {
    IdentityOptions options{.role_claim = "https://smg.example.com/roles"};
    CHECK(principal({{"sub", "s"}, {"https://smg.example.com/roles", {"admin"}}}, options).role ==
          Role::kAdmin);
  }
  SECTION("unrelated values give user") {
    CHECK(principal({{"sub", "s"}, {"roles", {"administrator", "dev"}}}).role == Role::kUser);
  }
}

TEST_CASE("jwt claims: role mapping, first token value with a mapping wins", "[jwt][claims]") {
  IdentityOptions options{.role_mapping = {{"platform-users", Role::kUser},
                                           {"platform-admins", Role::kAdmin}}};
  CHECK(principal({{"sub", "s"}, {"roles", {"platform-admins", "platform-users"}}}, options)
            .role == Role::kAdmin);
  CHECK(principal({{"sub", "s"}, {"roles", {"platform-users", "platform-admins"}}}, options)
            .role == Role::kUser);
  SECTION("mapping is exact: case and plain names do not count") {
    CHECK(principal({{"sub", "s"}, {"roles", {"Platform-Admins", "admin"}}}, options).role ==
          Role::kUser);
  }
  SECTION("unmapped values are skipped") {
    CHECK(principal({{"sub", "s"}, {"roles", {"other", "platform-admins"}}}, options).role ==
          Role::kAdmin);
  }
}

TEST_CASE("jwt claims: parse_role_mapping", "[jwt][claims]") {
  auto entry = smg::jwt::parse_role_mapping("cn=admins,dc=x=admin");
  REQUIRE(entry.ok());
  CHECK(entry->idp_value == "cn=admins,dc=x");
  CHECK(entry->role == Role::kAdmin);
  CHECK_FALSE(smg::jwt::parse_role_mapping("admins").ok());
  CHECK_FALSE(smg::jwt::parse_role_mapping("admins=root").ok());
  CHECK_FALSE(smg::jwt::parse_role_mapping("=admin").ok());
}
