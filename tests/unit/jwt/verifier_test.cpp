#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "common/crypto/crypto.h"
#include "common/jwt/verifier.h"
#include "tests/support/test_keys.h"
#include "tests/unit/jwt/rfc7515_vectors.h"

using nlohmann::json;
using smg::FixedClock;
using smg::jwks::JwkSet;
using smg::jwt::verify;
using smg::jwt::VerifyPolicy;
using smg::test::mint_token;
using smg::test::public_jwk;
using smg::test::test_key;

namespace {

constexpr int64_t kNow = 1700000000;

JwkSet keys_of(std::initializer_list<json> jwks) {
  auto set = JwkSet::parse(json{{"keys", json(jwks)}}.dump());
  REQUIRE(set.ok());
  return *set;
}

JwkSet standard_keys() {
  return keys_of({public_jwk(test_key("rsa"), "rs", "RS256"),
                  public_jwk(test_key("p256"), "es", "ES256"),
                  public_jwk(test_key("p384"), "es384", "ES384")});
}

json claims(json extra = json::object()) {
  json c = {{"iss", "https://issuer.test"}, {"aud", "smg"}, {"sub", "alice"},
            {"exp", kNow + 3600}, {"iat", kNow}};
  c.update(extra);
  return c;
}

std::string rs_token(json payload, json header = {{"alg", "RS256"}, {"kid", "rs"}}) {
  return mint_token(test_key("rsa"), header["alg"], header, payload);
}

VerifyPolicy policy() { return VerifyPolicy{.issuer = "https://issuer.test", .audience = "smg"}; }

std::string reason(const std::string& token, const JwkSet& keys, int64_t now = kNow,
                   VerifyPolicy p = policy()) {
  FixedClock clock(now);
  auto result = verify(token, keys, p, clock);
  return result.ok() ? "ok" : result.status().reason();
}

}  // namespace

TEST_CASE("jwt: RFC 7515 A.2 RS256 example verifies", "[jwt][rfc7515]") {
  auto keys = JwkSet::parse(std::string(R"({"keys":[)") + smg::test::rfc7515::kRsaJwk + "]}");
  REQUIRE(keys.ok());
  FixedClock clock(smg::test::rfc7515::kExp - 100);
  auto verified = verify(smg::test::rfc7515::kRs256Token, *keys, VerifyPolicy{}, clock);
  REQUIRE(verified.ok());
  CHECK(verified->claims["iss"] == "joe");
  CHECK(verified->expires_at == smg::test::rfc7515::kExp);
  CHECK(reason(smg::test::rfc7515::kRs256Token, *keys, smg::test::rfc7515::kExp + 31,
               VerifyPolicy{}) == "jwt_expired");
}

TEST_CASE("jwt: RFC 7515 A.3 ES256 example verifies", "[jwt][rfc7515]") {
  auto keys = JwkSet::parse(std::string(R"({"keys":[)") + smg::test::rfc7515::kEcJwk + "]}");
  REQUIRE(keys.ok());
  FixedClock clock(smg::test::rfc7515::kExp - 100);
  auto verified = verify(smg::test::rfc7515::kEs256Token, *keys, VerifyPolicy{}, clock);
  REQUIRE(verified.ok());
  CHECK(verified->alg == "ES256");
}

TEST_CASE("jwt: valid tokens verify for every supported alg", "[jwt]") {
  auto keys = keys_of({public_jwk(test_key("rsa"), "rs", "RS256"),
                       public_jwk(test_key("rsa"), "rs384", "RS384"),
                       public_jwk(test_key("rsa"), "rs512", "RS512"),
                       public_jwk(test_key("rsa"), "ps", "PS256"),
                       public_jwk(test_key("p256"), "es", "ES256"),
                       public_jwk(test_key("p384"), "es384", "ES384"),
                       public_jwk(test_key("ed25519"), "ed", "EdDSA")});
  for (auto [name, alg, kid] : {std::tuple{"rsa", "RS256", "rs"}, {"rsa", "RS384", "rs384"},
                                {"rsa", "RS512", "rs512"}, {"rsa", "PS256", "ps"},
                                {"p256", "ES256", "es"}, {"p384", "ES384", "es384"},
                                {"ed25519", "EdDSA", "ed"}}) {
    INFO(alg);
    std::string token = mint_token(test_key(name), alg, {{"alg", alg}, {"kid", kid}}, claims());
    CHECK(reason(token, keys) == "ok");
  }
}

TEST_CASE("jwt: rejects alg none", "[jwt][attack]") {
  std::string token = smg::crypto::base64url_encode(R"({"alg":"none","kid":"rs"})") + "." +
                      smg::crypto::base64url_encode(claims().dump()) + ".c2ln";
  CHECK(reason(token, standard_keys()) == "jwt_alg_not_allowed");
  std::string upper = smg::crypto::base64url_encode(R"({"alg":"None","kid":"rs"})") + "." +
                      smg::crypto::base64url_encode(claims().dump()) + ".c2ln";
  CHECK(reason(upper, standard_keys()) == "jwt_alg_not_allowed");
}

TEST_CASE("jwt: rejects HS256 signed with the RSA public key as HMAC secret", "[jwt][attack]") {
  std::string pem = smg::test::public_pem(test_key("rsa"));
  std::string token = smg::test::mint_hs256(pem, {{"alg", "HS256"}, {"kid", "rs"}}, claims());
  CHECK(reason(token, standard_keys()) == "jwt_alg_not_allowed");
  auto pem_keys = JwkSet::from_pem(pem);
  REQUIRE(pem_keys.ok());
  CHECK(reason(token, *pem_keys) == "jwt_alg_not_allowed");
}

TEST_CASE("jwt: rejects ES256 with a DER signature", "[jwt][attack]") {
  std::string token = mint_token(test_key("p256"), "ES256", {{"alg", "ES256"}, {"kid", "es"}},
                                 claims(), {.der_ecdsa = true});
  CHECK(reason(token, standard_keys()) == "jwt_bad_signature");
}

TEST_CASE("jwt: rejects tampered header, payload and signature", "[jwt][attack]") {
  std::string token = rs_token(claims());
  REQUIRE(reason(token, standard_keys()) == "ok");
  auto first_dot = token.find('.');
  auto second_dot = token.find('.', first_dot + 1);
  SECTION("tampered payload") {
    std::string forged = token.substr(0, first_dot + 1) +
                         smg::crypto::base64url_encode(claims({{"sub", "admin"}}).dump()) +
                         token.substr(second_dot);
    CHECK(reason(forged, standard_keys()) == "jwt_bad_signature");
  }
  SECTION("tampered header") {
    std::string forged =
        smg::crypto::base64url_encode(R"({"alg":"RS256","kid":"rs","typ":"JWT"})") +
        token.substr(first_dot);
    CHECK(reason(forged, standard_keys()) == "jwt_bad_signature");
  }
  SECTION("tampered signature") {
    std::string sig = *smg::crypto::base64url_decode(token.substr(second_dot + 1));
    sig[10] ^= 0x01;
    std::string forged = token.substr(0, second_dot + 1) + smg::crypto::base64url_encode(sig);
    CHECK(reason(forged, standard_keys()) == "jwt_bad_signature");
  }
  SECTION("signature by another key") {
    std::string other = mint_token(test_key("rsa2"), "RS256", {{"alg", "RS256"}, {"kid", "rs"}},
                                   claims());
    CHECK(reason(other, standard_keys()) == "jwt_bad_signature");
  }
}

TEST_CASE("jwt: rejects an unknown kid and a missing kid with several keys", "[jwt][attack]") {
  CHECK(reason(rs_token(claims(), {{"alg", "RS256"}, {"kid", "nope"}}), standard_keys()) ==
        "jwt_unknown_kid");
  CHECK(reason(rs_token(claims(), {{"alg", "RS256"}}), standard_keys()) == "jwt_kid_required");
  auto single = keys_of({public_jwk(test_key("rsa"), "rs", "RS256")});
  CHECK(reason(rs_token(claims(), {{"alg", "RS256"}}), single) == "ok");
  CHECK(reason(rs_token(claims()), JwkSet{}) == "jwt_no_keys");
}

TEST_CASE("jwt: rejects alg/key mismatch", "[jwt][attack]") {
  SECTION("RS256 token against an EC key") {
    std::string token = rs_token(claims(), {{"alg", "RS256"}, {"kid", "es"}});
    CHECK(reason(token, standard_keys()) == "jwt_alg_key_mismatch");
  }
  SECTION("ES384 token against a P-256 key") {
    std::string token = mint_token(test_key("p384"), "ES384", {{"alg", "ES384"}, {"kid", "es"}},
                                   claims());
    CHECK(reason(token, standard_keys()) == "jwt_alg_key_mismatch");
  }
  SECTION("PS256 token against an RS256 key") {
    std::string token = mint_token(test_key("rsa"), "PS256", {{"alg", "PS256"}, {"kid", "rs"}},
                                   claims());
    CHECK(reason(token, standard_keys()) == "jwt_alg_key_mismatch");
  }
}

TEST_CASE("jwt: expiry and not-before honour the leeway", "[jwt][attack]") {
  auto keys = standard_keys();
  SECTION("expired beyond leeway") {
    CHECK(reason(rs_token(claims({{"exp", kNow - 31}})), keys) == "jwt_expired");
  }
  SECTION("expired within leeway is accepted") {
    CHECK(reason(rs_token(claims({{"exp", kNow - 29}})), keys) == "ok");
  }
  SECTION("zero leeway") {
    VerifyPolicy strict = policy();
    strict.leeway = std::chrono::seconds(0);
    CHECK(reason(rs_token(claims({{"exp", kNow}})), keys, kNow, strict) == "jwt_expired");
  }
  SECTION("nbf in the future") {
    CHECK(reason(rs_token(claims({{"nbf", kNow + 3600}})), keys) == "jwt_not_yet_valid");
    CHECK(reason(rs_token(claims({{"nbf", kNow + 10}})), keys) == "ok");
  }
  SECTION("missing or non-numeric exp") {
    json no_exp = claims();
    no_exp.erase("exp");
    CHECK(reason(rs_token(no_exp), keys) == "jwt_missing_exp");
    CHECK(reason(rs_token(claims({{"exp", "9999999999"}})), keys) == "jwt_missing_exp");
    CHECK(reason(rs_token(claims({{"exp", true}})), keys) == "jwt_missing_exp");
  }
}

TEST_CASE("jwt: rejects wrong issuer and audience", "[jwt][attack]") {
  auto keys = standard_keys();
  CHECK(reason(rs_token(claims({{"iss", "https://evil.test"}})), keys) == "jwt_bad_issuer");
  CHECK(reason(rs_token(claims({{"iss", "https://issuer.test/"}})), keys) == "jwt_bad_issuer");
  json no_iss = claims();
  no_iss.erase("iss");
  CHECK(reason(rs_token(no_iss), keys) == "jwt_bad_issuer");
  SECTION("audience as string") {
    CHECK(reason(rs_token(claims({{"aud", "other"}})), keys) == "jwt_bad_audience");
  }
  SECTION("audience as array") {
    CHECK(reason(rs_token(claims({{"aud", {"a", "b"}}})), keys) == "jwt_bad_audience");
    CHECK(reason(rs_token(claims({{"aud", {"a", "smg"}}})), keys) == "ok");
  }
  SECTION("no policy audience: aud not checked") {
    VerifyPolicy open = policy();
    open.audience.clear();
    CHECK(reason(rs_token(claims({{"aud", "other"}})), keys, kNow, open) == "ok");
  }
}

TEST_CASE("jwt: rejects a non-object payload and a crit header", "[jwt][attack]") {
  std::string header = smg::crypto::base64url_encode(R"({"alg":"RS256","kid":"rs"})");
  CHECK(reason(header + "." + smg::crypto::base64url_encode("[]") + ".c2ln", standard_keys()) ==
        "jwt_malformed");
  std::string crit = rs_token(claims(), {{"alg", "RS256"}, {"kid", "rs"}, {"crit", {"b64"}},
                                         {"b64", false}});
  CHECK(reason(crit, standard_keys()) == "jwt_crit_unsupported");
}
