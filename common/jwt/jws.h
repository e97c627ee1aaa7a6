// JWS compact serialization (RFC 7515 §7.1): split, strictly decode and sanity-check a token
// before any key is looked at. Nothing here verifies a signature (see verifier.h).
//
// Refused: tokens over max_token_bytes, anything but three dot-separated parts, an empty
// signature, non-strict base64url, a header or payload that is not a JSON object, a header
// without a string `alg`, and any header carrying `crit` (we understand no extensions).
// Thread-safety: pure function.
//
//   auto jws = smg::jwt::parse_jws(token);
//   if (!jws.ok()) return jws.status();          // reason e.g. "jwt_bad_base64"
//   std::string alg = jws->alg;                   // "RS256"
//   const nlohmann::json& claims = jws->payload;
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::jwt {

constexpr std::size_t kDefaultMaxTokenBytes = 16 * 1024;

struct Jws {
  nlohmann::json header;      // a JSON object
  nlohmann::json payload;     // a JSON object (the claims)
  std::string alg;            // header "alg"
  std::string kid;            // header "kid"; empty when absent
  bool has_kid = false;
  std::string signing_input;  // "<b64 header>.<b64 payload>", the bytes that were signed
  std::string signature;      // raw signature bytes (decoded)
};

Result<Jws> parse_jws(std::string_view token, std::size_t max_token_bytes = kDefaultMaxTokenBytes);

}  // namespace smg::jwt
