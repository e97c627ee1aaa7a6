// ID token validation (OpenID Connect Core §3.1.3.7) on top of jwt::verify: the signature with a
// key from the provider's JWKS (alg `none` and HMAC are always refused there), `iss` exact, `aud`
// containing our client_id, `exp` (required) and `nbf` with leeway, `azp` equal to client_id when
// present, and `nonce` equal to the one this login sent (compared in constant time).
// Thread-safety: thread-safe when `keys` is (JwksCache is).
//
//   auto claims = validate_id_token(token, jwks, {.issuer = iss, .client_id = id, .nonce = n}, clock);
//   if (!claims.ok()) ...   // reason "oidc_token_invalid" or "oidc_nonce_invalid"
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/jwks/jwks_cache.h"
#include "common/status.h"

namespace smg::oidc {

struct IdTokenPolicy {
  std::string issuer{};
  std::string client_id{};
  std::string nonce{};
  std::chrono::seconds leeway{30};
};

Result<nlohmann::json> validate_id_token(std::string_view token, jwks::JwksCache& keys,
                                         const IdTokenPolicy& policy, const Clock& clock);

}  // namespace smg::oidc
