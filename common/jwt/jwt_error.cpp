#include "common/jwt/jwt_error.h"

namespace smg::jwt {
namespace {

struct ErrorText {
  const char* reason;
  const char* message;
};

ErrorText error_text(JwtError error) {
  switch (error) {
    case JwtError::kMalformed: return {"jwt_malformed", "token is not a well-formed JWS"};
    case JwtError::kTooLarge: return {"jwt_too_large", "token is too large"};
    case JwtError::kBadBase64: return {"jwt_bad_base64", "token is not strict base64url"};
    case JwtError::kAlgNotAllowed: return {"jwt_alg_not_allowed", "token algorithm not allowed"};
    case JwtError::kUnknownKid: return {"jwt_unknown_kid", "no key matches the token's kid"};
    case JwtError::kKidRequired:
      return {"jwt_kid_required", "token has no kid and the key set has several keys"};
    case JwtError::kAlgKeyMismatch:
      return {"jwt_alg_key_mismatch", "token algorithm does not match the key's"};
    case JwtError::kBadSignature: return {"jwt_bad_signature", "signature verification failed"};
    case JwtError::kExpired: return {"jwt_expired", "token has expired"};
    case JwtError::kNotYetValid: return {"jwt_not_yet_valid", "token is not valid yet"};
    case JwtError::kMissingExp: return {"jwt_missing_exp", "token has no numeric exp claim"};
    case JwtError::kBadIssuer: return {"jwt_bad_issuer", "token issuer is not accepted"};
    case JwtError::kBadAudience: return {"jwt_bad_audience", "token audience is not accepted"};
    case JwtError::kCritUnsupported:
      return {"jwt_crit_unsupported", "token has critical header parameters"};
    case JwtError::kNoKeys: return {"jwt_no_keys", "no verification keys are available"};
    case JwtError::kMissingSubject:
      return {"jwt_missing_subject", "token has no sub, email or preferred_username"};
  }
  return {"jwt_malformed", "token is not a well-formed JWS"};
}

}  // namespace

const char* jwt_error_reason(JwtError error) { return error_text(error).reason; }

Status to_status(JwtError error) {
  ErrorText text = error_text(error);
  return unauthenticated(text.reason, text.message);
}

}  // namespace smg::jwt
