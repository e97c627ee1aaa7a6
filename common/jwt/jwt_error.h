// JwtError: the closed set of reasons a JWT is refused, and the one place each becomes a Status.
//
// Reasons are stable snake_case strings ("jwt_expired", ...) that tests, logs and the gateway's
// `Invalid JWT: <reason>` responses match on. Messages never echo any part of the token.
// Thread-safety: plain values and pure functions.
//
//   smg::Status s = smg::jwt::to_status(smg::jwt::JwtError::kExpired);
//   // s.code() == kUnauthenticated, s.reason() == "jwt_expired"
#pragma once

#include "common/status.h"

namespace smg::jwt {

enum class JwtError {
  kMalformed,
  kTooLarge,
  kBadBase64,
  kAlgNotAllowed,
  kUnknownKid,
  kKidRequired,
  kAlgKeyMismatch,
  kBadSignature,
  kExpired,
  kNotYetValid,
  kMissingExp,
  kBadIssuer,
  kBadAudience,
  kCritUnsupported,
  kNoKeys,
  kMissingSubject,
};

// "jwt_malformed", "jwt_too_large", ...
const char* jwt_error_reason(JwtError error);
// Code kUnauthenticated, the stable reason, and a short message safe to show a caller.
Status to_status(JwtError error);

}  // namespace smg::jwt
