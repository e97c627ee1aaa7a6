// HTTP Basic credentials (RFC 7617) from an Authorization header value.
//
// The scheme is matched case-insensitively; the rest must be strict padded base64 of
// "user-id:password" in UTF-8. The user-id ends at the first colon (so it cannot contain one); the
// password may contain colons. Control characters (RFC 7617 §2) and invalid UTF-8 are refused.
// Headers over kMaxHeaderBytes are refused before any decoding ("basic_header_too_large": the
// gateway answers 431 without running bcrypt).
//
//   auto creds = smg::basic::parse_basic_header("Basic YWxhZGRpbjpvcGVuc2VzYW1l");
//   creds->username == "aladdin"; creds->password.reveal() == "opensesame";
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/crypto/crypto.h"
#include "common/status.h"

namespace smg::basic {

constexpr std::size_t kMaxHeaderBytes = 8192;

struct BasicCredentials {
  std::string username;
  crypto::Secret password;
};

// Errors (kUnauthenticated unless noted): "basic_missing" (empty), "basic_wrong_scheme",
// "basic_malformed" (bad base64, no colon, empty user, control characters, invalid UTF-8),
// "basic_header_too_large" (kResourceExhausted).
Result<BasicCredentials> parse_basic_header(std::string_view header_value);

bool is_valid_utf8(std::string_view text);

}  // namespace smg::basic
