// verify(): the JWT decision. Parse (jws.h) → choose the key → check alg ↔ key → check the
// signature → check exp / nbf / iss / aud. The rules:
//   * allowed algs RS256/384/512, PS256/384/512, ES256/384, EdDSA; `none` and HS* never;
//   * `kid` required unless the set holds exactly one key; the token alg must equal the key alg;
//   * `exp` required and numeric, `nbf` honoured, both with `leeway`;
//   * `iss` must equal policy.issuer and `aud` (string or array) contain policy.audience, each
//     only when set in the policy.
// Claims are looked at only after the signature checks out.
// Thread-safety: pure functions.
//
//   smg::jwt::VerifyPolicy policy{.issuer = "https://idp.example", .audience = "smg"};
//   auto verified = smg::jwt::verify(token, key_set, policy, smg::SystemClock::instance());
//   if (!verified.ok()) return verified.status();   // reason e.g. "jwt_expired"
//   std::string sub = verified->claims.value("sub", "");
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/jwks/jwk_set.h"
#include "common/jwt/jws.h"
#include "common/status.h"

namespace smg::jwt {

struct VerifyPolicy {
  std::string issuer{};                      // exact `iss` required when non-empty
  std::string audience{};                    // must appear in `aud` when non-empty
  std::chrono::seconds leeway{30};         // clock skew allowed on exp and nbf
  std::size_t max_token_bytes = kDefaultMaxTokenBytes;
};

struct VerifiedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  int64_t expires_at = 0;  // `exp`, Unix seconds
  std::string key_id{};      // kid of the key that verified (may be empty for a PEM key)
  std::string alg{};
};

Result<VerifiedJwt> verify(std::string_view token, const jwks::JwkSet& keys,
                           const VerifyPolicy& policy, const Clock& clock);
// The same, for a token already parsed with parse_jws (the authenticator reads kid first).
Result<VerifiedJwt> verify_jws(const Jws& jws, const jwks::JwkSet& keys,
                               const VerifyPolicy& policy, const Clock& clock);

// Key choice alone (exposed for tests and the JWKS cache's kid-miss logic).
Result<const jwks::Jwk*> select_key(const Jws& jws, const jwks::JwkSet& keys);

}  // namespace smg::jwt
