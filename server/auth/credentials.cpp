#include "server/auth/credentials.h"

#include <strings.h>

#include <algorithm>

namespace smg::server {
namespace {

bool is_token_char(char c) {
  return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
}

Bearer parse_token(std::string_view token) {
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  if (token.empty() || !std::all_of(token.begin(), token.end(), is_token_char)) {
    return {BearerState::kMalformed, ""};
  }
  return {BearerState::kPresent, std::string(token)};
}

}  // namespace

Bearer extract_bearer(const Request& request) {
  auto header = request.header("Authorization");
  if (!header) {
    return {};
  }
  std::string_view value = *header;
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ' ||
      strncasecmp(value.data(), kScheme.data(), kScheme.size()) != 0) {
    return {BearerState::kMalformed, ""};
  }
  return parse_token(value.substr(kScheme.size() + 1));
}

Bearer extract_bearer_or_api_key(const Request& request) {
  Bearer bearer = extract_bearer(request);
  if (bearer.state != BearerState::kMissing) {
    return bearer;
  }
  auto api_key = request.header("X-API-Key");
  if (!api_key) {
    return {};
  }
  return parse_token(*api_key);
}

bool looks_like_jwt(std::string_view token) {
  return std::count(token.begin(), token.end(), '.') == 2;
}

}  // namespace smg::server
