#include "common/jwks/jwk_set.h"

#include <nlohmann/json.hpp>

#include "common/crypto/crypto.h"
#include "common/jwks/internal/key_import.h"

namespace smg::jwks {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeys = 100;

// Members that only a private (or symmetric) JWK has: such a key is never loaded.
bool has_private_parts(const json& jwk) {
  for (const char* name : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.contains(name)) {
      return true;
    }
  }
  return false;
}

Result<std::string> member_bytes(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    return invalid_argument("jwk_invalid", "missing key member");
  }
  return crypto::base64url_decode(it->get_ref<const std::string&>());
}

std::string string_member(const json& jwk, const char* name) {
  auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<internal::PkeyPtr> import_key(const json& jwk, const std::string& kty,
                                     const std::string& crv) {
  if (kty == "RSA") {
    auto n = member_bytes(jwk, "n");
    auto e = member_bytes(jwk, "e");
    if (!n.ok() || !e.ok()) {
      return invalid_argument("jwk_invalid", "bad RSA members");
    }
    return internal::import_rsa(*n, *e);
  }
  if (kty == "EC") {
    auto x = member_bytes(jwk, "x");
    auto y = member_bytes(jwk, "y");
    if (!x.ok() || !y.ok()) {
      return invalid_argument("jwk_invalid", "bad EC members");
    }
    return internal::import_ec(crv, *x, *y);
  }
  if (kty == "OKP" && crv == "Ed25519") {
    auto x = member_bytes(jwk, "x");
    if (!x.ok()) {
      return invalid_argument("jwk_invalid", "bad OKP members");
    }
    return internal::import_ed25519(*x);
  }
  return invalid_argument("jwk_unsupported", "unsupported kty or crv");
}

std::string default_alg(const std::string& kty, const std::string& crv) {
  if (kty == "RSA") return "RS256";
  if (kty == "EC" && crv == "P-256") return "ES256";
  if (kty == "EC" && crv == "P-384") return "ES384";
  if (kty == "OKP" && crv == "Ed25519") return "EdDSA";
  return "";
}

// A usable key, or an error meaning "skip this entry".
Result<Jwk> parse_one(const json& entry) {
  if (!entry.is_object() || has_private_parts(entry)) {
    return invalid_argument("jwk_skipped", "not a public key object");
  }
  std::string use = string_member(entry, "use");
  if (entry.contains("use") && use != "sig") {
    return invalid_argument("jwk_skipped", "key is not for signatures");
  }
  Jwk jwk;
  jwk.kty = string_member(entry, "kty");
  jwk.crv = string_member(entry, "crv");
  jwk.kid = string_member(entry, "kid");
  auto key = import_key(entry, jwk.kty, jwk.crv);
  if (!key.ok()) {
    return key.status();
  }
  jwk.key = std::move(*key);
  jwk.alg = entry.contains("alg") ? string_member(entry, "alg") : default_alg(jwk.kty, jwk.crv);
  if (!alg_fits_key(jwk.alg, jwk)) {
    return invalid_argument("jwk_skipped", "alg does not fit the key");
  }
  return jwk;
}

}  // namespace

Result<JwkSet> JwkSet::parse(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return invalid_argument("jwks_malformed", "not a JWKS document ({\"keys\": [...]})");
  }
  if (doc["keys"].size() > kMaxKeys) {
    return invalid_argument("jwks_malformed", "JWKS has too many keys");
  }
  JwkSet set;
  for (const json& entry : doc["keys"]) {
    auto jwk = parse_one(entry);
    if (jwk.ok()) {
      set.keys_.push_back(std::move(*jwk));
    }
  }
  if (set.keys_.empty()) {
    return invalid_argument("jwks_no_usable_keys", "JWKS has no usable signature key");
  }
  return set;
}

Result<JwkSet> JwkSet::from_pem(std::string_view pem_text) {
  auto key = internal::import_spki_pem(pem_text);
  if (!key.ok()) {
    return key.status();
  }
  Jwk jwk;
  internal::describe_key(key->get(), jwk.kty, jwk.crv);
  jwk.alg = default_alg(jwk.kty, jwk.crv);
  if (jwk.alg.empty()) {
    return invalid_argument("jwks_no_usable_keys", "unsupported PEM key type");
  }
  jwk.key = std::move(*key);
  JwkSet set;
  set.keys_.push_back(std::move(jwk));
  return set;
}

const Jwk* JwkSet::find(std::string_view kid) const {
  for (const Jwk& key : keys_) {
    if (key.kid == kid) {
      return &key;
    }
  }
  return nullptr;
}

bool alg_fits_key(std::string_view alg, const Jwk& key) {
  if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
      alg == "PS512") {
    return key.kty == "RSA";
  }
  if (alg == "ES256") return key.kty == "EC" && key.crv == "P-256";
  if (alg == "ES384") return key.kty == "EC" && key.crv == "P-384";
  if (alg == "EdDSA") return key.kty == "OKP" && key.crv == "Ed25519";
  return false;
}

}  // namespace smg::jwks
