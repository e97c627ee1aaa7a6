#include <catch2/catch.hpp>

#include <map>

#include "common/clock/clock.h"
#include "common/jwks/jwk_set.h"
#include "common/jwt/claims.h"
#include "common/jwt/verifier.h"
#include "tests/support/peers.h"

using nlohmann::json;

TEST_CASE("jose interop: jose-minted tokens verify and jose-minted attacks fail",
          "[jwt][interop]") {
  smg::test::TempDir dir;
  auto minted = smg::test::run_peer("mint-jwt-suite.mjs", {dir.path()});
  INFO(minted.err);
  REQUIRE(minted.exit_code == 0);
  auto keys = smg::jwks::JwkSet::parse(smg::test::read_file(dir.file("jwks.json")));
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 7);
  json tokens = json::parse(smg::test::read_file(dir.file("tokens.json")));
  smg::jwt::VerifyPolicy policy{.issuer = "https://issuer.test", .audience = "smg"};
  const smg::Clock& clock = smg::SystemClock::instance();

  for (std::string alg : {"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"}) {
    INFO(alg);
    auto verified = smg::jwt::verify(tokens["valid_" + alg].get<std::string>(), *keys, policy,
                                     clock);
    REQUIRE(verified.ok());
    CHECK(verified->alg == alg);
    auto principal = smg::jwt::principal_from_claims(verified->claims, {});
    REQUIRE(principal.ok());
    CHECK(principal->subject == "jwt:sub-" + alg);
    CHECK(principal->role == (alg.starts_with("RS") ? smg::Role::kAdmin : smg::Role::kUser));
  }

  const std::map<std::string, std::string> attacks = {
      {"alg_none", "jwt_malformed"},          // empty signature
      {"alg_none_sig", "jwt_alg_not_allowed"},
      {"hs256_public_pem", "jwt_alg_not_allowed"},
      {"es256_der", "jwt_bad_signature"},
      {"expired", "jwt_expired"},
      {"nbf_future", "jwt_not_yet_valid"},
      {"wrong_iss", "jwt_bad_issuer"},
      {"wrong_aud", "jwt_bad_audience"},
      {"unknown_kid", "jwt_unknown_kid"},
      {"tampered_payload", "jwt_bad_signature"},
  };
  for (const auto& [name, reason] : attacks) {
    INFO(name);
    REQUIRE(tokens.contains(name));
    auto result = smg::jwt::verify(tokens[name].get<std::string>(), *keys, policy, clock);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().reason() == reason);
  }
  // The same HMAC attack against the PEM the token abused: still refused.
  auto pem_keys = smg::jwks::JwkSet::from_pem(smg::test::read_file(dir.file("rs256-pub.pem")));
  REQUIRE(pem_keys.ok());
  CHECK(smg::jwt::verify(tokens["hs256_public_pem"].get<std::string>(), *pem_keys, policy, clock)
            .status()
            .reason() == "jwt_alg_not_allowed");
}
