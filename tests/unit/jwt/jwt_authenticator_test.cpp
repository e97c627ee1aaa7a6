#include <catch2/catch.hpp>

#include "common/jwt/jwt_authenticator.h"
#include "tests/support/fake_http_client.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::FixedClock;
using smg::test::FakeHttpClient;
using smg::test::mint_token;
using smg::test::public_jwk;
using smg::test::test_key;

namespace {

constexpr int64_t kNow = 1700000000;
constexpr const char* kJwksUri = "https://idp.test/jwks";

std::string token(const std::string& kid, json extra = json::object()) {
  json claims = {{"iss", "https://idp.test"}, {"aud", "smg"}, {"sub", "alice"},
                 {"exp", kNow + 600}, {"roles", {"admin"}}};
  claims.update(extra);
  return mint_token(test_key("p256"), "ES256", {{"alg", "ES256"}, {"kid", kid}}, claims);
}

}  // namespace

smg::jwt::JwtAuthConfig config() {
  smg::jwt::JwtAuthConfig config;
  config.issuer = "https://idp.test";
  config.audience = "smg";
  config.jwks_uri = kJwksUri;
  return config;
}

TEST_CASE("jwt authenticator: fails closed when the JWKS was never fetched",
          "[jwt][authenticator]") {
  FakeHttpClient http;
  FixedClock clock(kNow);
  smg::jwt::JwtAuthenticator auth(config(), http, clock);
  CHECK(auth.authenticate(token("k1")).status().reason() == "jwks_unavailable");
}

TEST_CASE("jwt authenticator: verifies and caches", "[jwt][authenticator]") {
  FakeHttpClient http;
  FixedClock clock(kNow);
  http.set(kJwksUri, 200,
           json{{"keys", {public_jwk(test_key("p256"), "k1", "ES256")}}}.dump());
  smg::jwt::JwtAuthenticator auth(config(), http, clock);
  auto who = auth.authenticate(token("k1"));
  REQUIRE(who.ok());
  CHECK(who->subject == "jwt:alice");
  CHECK(who->role == smg::Role::kAdmin);
  REQUIRE(auth.authenticate(token("k1")).ok());
  CHECK(http.count(kJwksUri) == 1);
  SECTION("cached entries expire with the token") {
    std::string t = token("k1");
    REQUIRE(auth.authenticate(t).ok());
    clock.advance(600 + 30);
    CHECK(auth.authenticate(t).status().reason() == "jwt_expired");
  }
  SECTION("a bad token is refused") {
    CHECK(auth.authenticate(token("k1", {{"aud", "x"}})).status().reason() == "jwt_bad_audience");
    CHECK(auth.authenticate("a.b").status().reason() == "jwt_malformed");
  }
}
