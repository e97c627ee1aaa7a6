#include "common/jwt/verifier.h"

#include <cmath>

#include "common/jwt/jwt_error.h"
#include "common/jwt/signature.h"

namespace smg::jwt {
namespace {

using nlohmann::json;

// Numeric date (RFC 7519 §2): a JSON number; fractions are floored. Booleans are not numbers.
bool numeric_date(const json& claims, const char* name, int64_t& out) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) {
    return false;
  }
  double value = it->get<double>();
  if (!std::isfinite(value) || value > 9.0e15 || value < -9.0e15) {
    return false;
  }
  out = static_cast<int64_t>(std::floor(value));
  return true;
}

Status check_times(const json& claims, const VerifyPolicy& policy, int64_t now, int64_t& exp) {
  if (!numeric_date(claims, "exp", exp)) {
    return to_status(JwtError::kMissingExp);
  }
  int64_t leeway = policy.leeway.count();
  if (now >= exp + leeway) {  // RFC 7519 §4.1.4: "on or after" exp is expired
    return to_status(JwtError::kExpired);
  }
  int64_t nbf = 0;
  if (claims.contains("nbf")) {
    if (!numeric_date(claims, "nbf", nbf)) {
      return to_status(JwtError::kMalformed);
    }
    if (now + leeway < nbf) {
      return to_status(JwtError::kNotYetValid);
    }
  }
  return Status::ok_status();
}

bool audience_matches(const json& claims, const std::string& audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) {
    return false;
  }
  if (aud->is_string()) {
    return aud->get_ref<const std::string&>() == audience;
  }
  if (!aud->is_array()) {
    return false;
  }
  for (const json& value : *aud) {
    if (value.is_string() && value.get_ref<const std::string&>() == audience) {
      return true;
    }
  }
  return false;
}

Status check_claims(const json& claims, const VerifyPolicy& policy) {
  if (!policy.issuer.empty()) {
    auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() ||
        iss->get_ref<const std::string&>() != policy.issuer) {
      return to_status(JwtError::kBadIssuer);
    }
  }
  if (!policy.audience.empty() && !audience_matches(claims, policy.audience)) {
    return to_status(JwtError::kBadAudience);
  }
  return Status::ok_status();
}

}  // namespace

Result<const jwks::Jwk*> select_key(const Jws& jws, const jwks::JwkSet& keys) {
  if (keys.empty()) {
    return to_status(JwtError::kNoKeys);
  }
  if (!jws.has_kid) {
    if (keys.size() != 1) {
      return to_status(JwtError::kKidRequired);
    }
    return &keys.keys().front();
  }
  if (const jwks::Jwk* key = keys.find(jws.kid)) {
    return key;
  }
  // A lone key without a kid (a PEM key) serves any kid: the set leaves no choice to make.
  if (keys.size() == 1 && keys.keys().front().kid.empty()) {
    return &keys.keys().front();
  }
  return to_status(JwtError::kUnknownKid);
}

Result<VerifiedJwt> verify_jws(const Jws& jws, const jwks::JwkSet& keys,
                               const VerifyPolicy& policy, const Clock& clock) {
  if (!is_allowed_alg(jws.alg)) {
    return to_status(JwtError::kAlgNotAllowed);
  }
  auto key = select_key(jws, keys);
  if (!key.ok()) {
    return key.status();
  }
  const jwks::Jwk& jwk = **key;
  if (jwk.alg != jws.alg || !jwks::alg_fits_key(jws.alg, jwk)) {
    return to_status(JwtError::kAlgKeyMismatch);
  }
  if (!verify_signature(jws.alg, jwk.key.get(), jws.signing_input, jws.signature)) {
    return to_status(JwtError::kBadSignature);
  }
  VerifiedJwt verified;
  if (Status s = check_times(jws.payload, policy, clock.now_seconds(), verified.expires_at);
      !s.ok()) {
    return s;
  }
  if (Status s = check_claims(jws.payload, policy); !s.ok()) {
    return s;
  }
  verified.header = jws.header;
  verified.claims = jws.payload;
  verified.key_id = jwk.kid;
  verified.alg = jws.alg;
  return verified;
}

Result<VerifiedJwt> verify(std::string_view token, const jwks::JwkSet& keys,
                           const VerifyPolicy& policy, const Clock& clock) {
  auto jws = parse_jws(token, policy.max_token_bytes);
  if (!jws.ok()) {
    return jws.status();
  }
  return verify_jws(*jws, keys, policy, clock);
}

}  // namespace smg::jwt
