#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"
#include "common/jwks/jwk_set.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::jwks::JwkSet;
using smg::test::public_jwk;
using smg::test::test_key;

namespace {

smg::Result<JwkSet> parse(std::initializer_list<json> keys) {
  return JwkSet::parse(json{{"keys", json(keys)}}.dump());
}

}  // namespace

TEST_CASE("jwks: default alg from key type", "[jwks]") {
  auto set = parse({public_jwk(test_key("rsa"), "a", ""), public_jwk(test_key("p256"), "b", ""),
                    public_jwk(test_key("p384"), "c", ""),
                    public_jwk(test_key("ed25519"), "d", "")});
  REQUIRE(set.ok());
  REQUIRE(set->size() == 4);
  CHECK(set->find("a")->alg == "RS256");
  CHECK(set->find("b")->alg == "ES256");
  CHECK(set->find("c")->alg == "ES384");
  CHECK(set->find("d")->alg == "EdDSA");
  CHECK(set->find("zzz") == nullptr);
}

TEST_CASE("jwks: skips keys that must not be used", "[jwks]") {
  json good = public_jwk(test_key("rsa"), "good", "RS256");
  json enc = public_jwk(test_key("rsa"), "enc", "");
  enc["use"] = "enc";
  json priv = public_jwk(test_key("p256"), "priv", "");
  priv["d"] = "AAAA";
  json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}};
  json unknown_crv = public_jwk(test_key("p256"), "p521", "");
  unknown_crv["crv"] = "P-521";
  json hs_alg = public_jwk(test_key("rsa"), "hs", "HS256");
  json wrong_alg = public_jwk(test_key("p256"), "wrong", "ES384");
  auto set = parse({good, enc, priv, oct, unknown_crv, hs_alg, wrong_alg, "not-an-object"});
  REQUIRE(set.ok());
  CHECK(set->size() == 1);
  CHECK(set->find("good") != nullptr);
}

TEST_CASE("jwks: malformed documents and empty sets are errors", "[jwks]") {
  CHECK(JwkSet::parse("not json").status().reason() == "jwks_malformed");
  CHECK(JwkSet::parse("[]").status().reason() == "jwks_malformed");
  CHECK(JwkSet::parse(R"({"keys":{}})").status().reason() == "jwks_malformed");
  CHECK(JwkSet::parse(R"({"keys":[]})").status().reason() == "jwks_no_usable_keys");
  json enc = public_jwk(test_key("rsa"), "enc", "");
  enc["use"] = "enc";
  CHECK(parse({enc}).status().reason() == "jwks_no_usable_keys");
}

TEST_CASE("jwks: rejects weak RSA, wrong EC lengths and off-curve points", "[jwks][attack]") {
  SECTION("RSA 1024") {
    EVP_PKEY* weak = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
    smg::test::TestKey key{std::shared_ptr<EVP_PKEY>(weak, EVP_PKEY_free), "RS256"};
    CHECK_FALSE(parse({public_jwk(key, "weak", "")}).ok());
    CHECK_FALSE(JwkSet::from_pem(smg::test::public_pem(key)).ok());
  }
  SECTION("EC coordinate too short") {
    json jwk = public_jwk(test_key("p256"), "short", "");
    std::string x = *smg::crypto::base64url_decode(jwk["x"].get<std::string>());
    jwk["x"] = smg::crypto::base64url_encode(x.substr(1));
    CHECK_FALSE(parse({jwk}).ok());
  }
  SECTION("EC point not on the curve") {
    json jwk = public_jwk(test_key("p256"), "off", "");
    std::string y = *smg::crypto::base64url_decode(jwk["y"].get<std::string>());
    y[31] ^= 0x01;
    jwk["y"] = smg::crypto::base64url_encode(y);
    CHECK_FALSE(parse({jwk}).ok());
  }
  SECTION("bad base64url in n") {
    json jwk = public_jwk(test_key("rsa"), "pad", "");
    jwk["n"] = jwk["n"].get<std::string>() + "=";
    CHECK_FALSE(parse({jwk}).ok());
  }
}

TEST_CASE("jwks: loads one PEM public key as a one-key set", "[jwks]") {
  for (auto [name, alg] : {std::pair{"rsa", "RS256"}, {"p256", "ES256"}, {"p384", "ES384"},
                           {"ed25519", "EdDSA"}}) {
    auto set = JwkSet::from_pem(smg::test::public_pem(test_key(name)));
    REQUIRE(set.ok());
    REQUIRE(set->size() == 1);
    CHECK(set->keys().front().alg == alg);
    CHECK(set->keys().front().kid.empty());
  }
  CHECK(JwkSet::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            .status()
            .reason() == "pem_invalid");
}
