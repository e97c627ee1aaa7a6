// Test keys and token minting for the JWT tests: real OpenSSL key pairs (generated once per
// process), their public JWKs, and a signer that can also produce deliberately wrong tokens.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

namespace smg::test {

struct TestKey {
  std::shared_ptr<EVP_PKEY> pair;  // private + public
  std::string alg;                 // default alg for this key
};

// Cached per process: "rsa" (2048), "rsa2" (2048), "p256", "p384", "ed25519".
const TestKey& test_key(const std::string& name);

// The public JWK of a test key, with kid and alg members when non-empty.
nlohmann::json public_jwk(const TestKey& key, const std::string& kid, const std::string& alg);
std::string public_pem(const TestKey& key);

struct MintOptions {
  bool der_ecdsa = false;  // keep OpenSSL's DER ECDSA signature (an attack)
};

// base64url(header).base64url(payload).base64url(sig), signed with `alg` using `key`.
std::string mint_token(const TestKey& key, const std::string& alg, const nlohmann::json& header,
                       const nlohmann::json& payload, MintOptions options = {});
// HS256 with an arbitrary secret (for the "HMAC with the public key" attack).
std::string mint_hs256(const std::string& secret, const nlohmann::json& header,
                       const nlohmann::json& payload);

}  // namespace smg::test
