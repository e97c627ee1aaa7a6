#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"
#include "common/http/http_client.h"
#include "common/jwks/jwks_cache.h"
#include "common/jwt/jwt_authenticator.h"
#include "tests/integration/local_idp.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::test::LocalIdp;
using smg::test::mint_token;
using smg::test::public_jwk;
using smg::test::test_key;

namespace {

std::string jwks_of(const std::string& key_name, const std::string& kid) {
  return json{{"keys", {public_jwk(test_key(key_name), kid, "")}}}.dump();
}

std::string token_for(const std::string& key_name, const std::string& kid, const LocalIdp& idp,
                      int64_t now) {
  const auto& key = test_key(key_name);
  json claims = {{"iss", idp.base_url()}, {"aud", "smg"}, {"sub", "alice"},
                 {"exp", now + 3600}, {"roles", "admin"}};
  return mint_token(key, key.alg, {{"alg", key.alg}, {"kid", kid}}, claims);
}

smg::jwt::JwtAuthConfig config_for(const LocalIdp& idp) {
  smg::jwt::JwtAuthConfig config;
  config.issuer = idp.base_url();
  config.audience = "smg";
  return config;
}

}  // namespace

TEST_CASE("jwks fetch: discovery, rotation via kid miss, and IdP outage", "[jwks][integration]") {
  LocalIdp idp(jwks_of("p256", "k1"));
  auto client = smg::http::make_curl_client();
  int64_t now = smg::SystemClock::instance().now_seconds();
  smg::FixedClock clock(now);
  smg::jwt::JwtAuthenticator auth(config_for(idp), *client, clock);

  auto who = auth.authenticate(token_for("p256", "k1", idp, now));
  INFO(who.status().reason());
  REQUIRE(who.ok());
  CHECK(who->role == smg::Role::kAdmin);
  CHECK(idp.discovery_hits() == 1);
  CHECK(idp.jwks_hits() == 1);

  SECTION("rotation: a new kid verifies without restart") {
    idp.set_jwks(jwks_of("p384", "k2"));
    clock.advance(2);  // the start-up fetch starts no kid-miss cooldown
    auto rotated = auth.authenticate(token_for("p384", "k2", idp, now));
    INFO(rotated.status().reason());
    CHECK(rotated.ok());
    CHECK(idp.jwks_hits() == 2);
    CHECK(auth.jwks_cache().generation() == 2);
    idp.set_jwks(jwks_of("p256", "k3"));
    clock.advance(1);  // but that refetch does: k3 waits for it
    CHECK(auth.authenticate(token_for("p256", "k3", idp, now)).status().reason() ==
          "jwt_unknown_kid");
    CHECK(idp.jwks_hits() == 2);
    clock.advance(30);
    auto later = auth.authenticate(token_for("p256", "k3", idp, now));
    INFO(later.status().reason());
    CHECK(later.ok());
    CHECK(idp.jwks_hits() == 3);
  }
  SECTION("cooldown: 100 random unknown kids cost at most one fetch") {
    clock.advance(30);
    for (int i = 0; i < 100; ++i) {
      std::string kid = smg::crypto::to_hex(smg::crypto::random_bytes(8));
      CHECK(auth.authenticate(token_for("p256", kid, idp, now)).status().reason() ==
            "jwt_unknown_kid");
    }
    CHECK(idp.jwks_hits() <= 2);
  }
  SECTION("IdP down: the last good set keeps verifying") {
    idp.stop();
    clock.advance(3600);  // well past max-age=300
    auto fresh = token_for("p256", "k1", idp, now + 3600);
    auto still = auth.authenticate(fresh);
    INFO(still.status().reason());
    CHECK(still.ok());
  }
}

TEST_CASE("jwks fetch: a never-reached IdP fails closed", "[jwks][integration]") {
  auto client = smg::http::make_curl_client();
  smg::jwks::JwksCacheOptions options;
  options.jwks_uri = "http://127.0.0.1:1/jwks";
  options.timeout = std::chrono::milliseconds(2000);
  smg::jwks::JwksCache cache(options, *client, smg::SystemClock::instance());
  auto set = cache.key_set();
  REQUIRE_FALSE(set.ok());
  CHECK(set.status().reason() == "jwks_unavailable");
}

TEST_CASE("jwks fetch: refuses a JWKS over 1 MiB and does not follow redirects",
          "[jwks][integration][attack]") {
  LocalIdp idp(jwks_of("p256", "k1"));
  auto client = smg::http::make_curl_client();
  SECTION("over 1 MiB") {
    smg::jwks::JwksCacheOptions options;
    options.jwks_uri = idp.base_url() + "/big";
    smg::jwks::JwksCache cache(options, *client, smg::SystemClock::instance());
    CHECK(cache.key_set().status().reason() == "jwks_unavailable");
  }
  SECTION("redirect") {
    smg::jwks::JwksCacheOptions options;
    options.jwks_uri = idp.base_url() + "/redirect";
    smg::jwks::JwksCache cache(options, *client, smg::SystemClock::instance());
    CHECK(cache.key_set().status().reason() == "jwks_unavailable");
    CHECK(idp.jwks_hits() == 0);
  }
}
