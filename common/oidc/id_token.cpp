#include "common/oidc/id_token.h"

#include "common/crypto/crypto.h"
#include "common/jwt/jws.h"
#include "common/jwt/verifier.h"

namespace smg::oidc {
namespace {

Status token_invalid(const std::string& why) {
  return unauthenticated("oidc_token_invalid", "ID token rejected: " + why);
}

}  // namespace

Result<nlohmann::json> validate_id_token(std::string_view token, jwks::JwksCache& keys,
                                         const IdTokenPolicy& policy, const Clock& clock) {
  auto jws = jwt::parse_jws(token);
  if (!jws.ok()) return token_invalid(jws.status().reason());
  auto key_set = jws->has_kid ? keys.key_set_for_kid(jws->kid) : keys.key_set();
  if (!key_set.ok()) return token_invalid(key_set.status().reason());
  jwt::VerifyPolicy verify_policy{.issuer = policy.issuer,
                                  .audience = policy.client_id,
                                  .leeway = policy.leeway};
  auto verified = jwt::verify_jws(*jws, **key_set, verify_policy, clock);
  if (!verified.ok()) return token_invalid(verified.status().reason());
  const nlohmann::json& claims = verified->claims;
  auto azp = claims.find("azp");
  if (azp != claims.end() && (!azp->is_string() || *azp != policy.client_id)) {
    return token_invalid("azp_mismatch");
  }
  auto nonce = claims.find("nonce");
  if (nonce == claims.end() || !nonce->is_string() || policy.nonce.empty() ||
      !crypto::constant_time_equal(nonce->get<std::string>(), policy.nonce)) {
    return unauthenticated("oidc_nonce_invalid", "ID token nonce does not match this login");
  }
  return claims;
}

}  // namespace smg::oidc
