// JwkSet: public verification keys loaded from a JWKS document (RFC 7517) or one PEM SPKI key.
//
// Supported: RSA (n, e; modulus 2048..8192 bits), EC P-256 / P-384 (x, y of exact length, point
// checked on the curve by OpenSSL), OKP Ed25519. Each key gets an `alg`: the JWK's own, else
// RSA→RS256, P-256→ES256, P-384→ES384, Ed25519→EdDSA. Keys we must not or cannot use are
// skipped, never loaded: `use` other than "sig", unknown kty/crv/alg, an alg that does not fit
// the key type, and any key with private parts (`d`, `p`, ...). A document that is not a JWKS, or
// one with no usable key, is an error (reasons "jwks_malformed", "jwks_no_usable_keys").
// Thread-safety: immutable after construction; share it as shared_ptr<const JwkSet>.
//
//   auto set = smg::jwks::JwkSet::parse(R"({"keys":[{"kty":"EC","crv":"P-256",...}]})");
//   if (!set.ok()) return set.status();
//   const smg::jwks::Jwk* key = set->find("kid-1");   // nullptr when absent
//   auto single = smg::jwks::JwkSet::from_pem(pem_text);   // one key, empty kid
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "common/status.h"

namespace smg::jwks {

struct Jwk {
  std::string kid;   // empty when the JWK has none (or for a PEM key)
  std::string alg;   // e.g. "RS256", "PS256", "ES256", "ES384", "EdDSA"
  std::string kty;   // "RSA", "EC", "OKP"
  std::string crv;   // "P-256", "P-384", "Ed25519"; empty for RSA
  std::shared_ptr<EVP_PKEY> key;  // public key only
};

class JwkSet {
 public:
  JwkSet() = default;

  static Result<JwkSet> parse(std::string_view json_text);
  // One PEM "PUBLIC KEY" (SPKI). The alg defaults from the key type as for JWKs.
  static Result<JwkSet> from_pem(std::string_view pem_text);

  const std::vector<Jwk>& keys() const { return keys_; }
  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  // First key with this kid, or nullptr.
  const Jwk* find(std::string_view kid) const;

 private:
  std::vector<Jwk> keys_;
};

// True when `alg` is one we verify and fits the key's type (and curve for EC).
bool alg_fits_key(std::string_view alg, const Jwk& key);

}  // namespace smg::jwks
