// Where a credential comes from on a request: `Authorization: Bearer <token>` (scheme matched
// case-insensitively, RFC 7235) and, for data-plane callers, `X-API-Key`. Also the shape test that
// decides whether a token is handled as a JWT (three dot-separated parts, SMG's rule).
//
//   auto bearer = extract_bearer(request);
//   if (bearer.state == BearerState::kPresent && looks_like_jwt(bearer.token)) { ... }
#pragma once

#include <string>
#include <string_view>

#include "server/http/exchange.h"

namespace smg::server {

enum class BearerState { kMissing, kMalformed, kPresent };

struct Bearer {
  BearerState state = BearerState::kMissing;
  std::string token;
};

// kMissing: no Authorization header; kMalformed: another scheme, an empty token, or a token with
// whitespace or control characters inside.
Bearer extract_bearer(const Request& request);
// `Authorization: Bearer` first, else `X-API-Key`.
Bearer extract_bearer_or_api_key(const Request& request);

bool looks_like_jwt(std::string_view token);

}  // namespace smg::server
