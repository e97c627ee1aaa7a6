#include <catch2/catch.hpp>

#include "common/oidc/identity.h"

using nlohmann::json;
using smg::oidc::email_domain_allowed;
using smg::oidc::identity_from_claims;
using smg::oidc::IdentityRules;

TEST_CASE("identity: allowed_domains are exact and case-insensitive", "[oidc][attack]") {
  std::vector<std::string> allowed{"example.com"};
  CHECK(email_domain_allowed("alice@example.com", allowed));
  CHECK(email_domain_allowed("Alice@EXAMPLE.com", allowed));
  SECTION("look-alike domains are refused") {
    CHECK_FALSE(email_domain_allowed("alice@example.com.evil.test", allowed));
    CHECK_FALSE(email_domain_allowed("alice@evil-example.com", allowed));
    CHECK_FALSE(email_domain_allowed("alice@sub.example.com", allowed));
    CHECK_FALSE(email_domain_allowed("alice@example.co", allowed));
    CHECK_FALSE(email_domain_allowed("alice@example.com@evil.test", allowed));
    CHECK_FALSE(email_domain_allowed("example.com", allowed));
    CHECK_FALSE(email_domain_allowed("@example.com", allowed));
    CHECK_FALSE(email_domain_allowed("alice@", allowed));
  }
}

TEST_CASE("identity: subject from the email claim", "[oidc]") {
  IdentityRules rules{.allowed_domains = {"example.com"}};
  json claims = {{"sub", "123"}, {"email", "Alice@Example.com"}, {"email_verified", true},
                 {"groups", {"admins", 7, "ops"}}};
  auto who = identity_from_claims(claims, rules);
  REQUIRE(who.ok());
  CHECK(who->subject == "user:alice@example.com");
  CHECK(who->email == "alice@example.com");
  CHECK(who->groups == std::vector<std::string>{"admins", "ops"});
}

TEST_CASE("identity: refusals", "[oidc][attack]") {
  IdentityRules rules{.allowed_domains = {"example.com"}};
  json base = {{"sub", "123"}, {"email", "alice@example.com"}, {"email_verified", true}};
  SECTION("email_verified false or absent") {
    json claims = base;
    claims["email_verified"] = false;
    CHECK(identity_from_claims(claims, rules).status().reason() == "oidc_subject_invalid");
    claims.erase("email_verified");
    CHECK_FALSE(identity_from_claims(claims, rules).ok());
    claims["email_verified"] = "true";
    CHECK_FALSE(identity_from_claims(claims, rules).ok());
  }
  SECTION("look-alike domain") {
    json claims = base;
    claims["email"] = "alice@example.com.evil.test";
    CHECK_FALSE(identity_from_claims(claims, rules).ok());
  }
  SECTION("missing or non-string subject") {
    json claims = base;
    claims.erase("email");
    CHECK_FALSE(identity_from_claims(claims, rules).ok());
    claims["email"] = 5;
    CHECK_FALSE(identity_from_claims(claims, rules).ok());
  }
}

TEST_CASE("identity: a non-email subject claim gives oidc:<value>", "[oidc]") {
  IdentityRules rules{.subject_claim = "sub"};
  auto who = identity_from_claims({{"sub", "AbC-123"}}, rules);
  REQUIRE(who.ok());
  CHECK(who->subject == "oidc:AbC-123");
}
