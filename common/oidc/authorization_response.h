// The authorization response a native client's loopback redirect receives (RFC 6749 §4.1.2,
// RFC 8252 §7.3): the code, once `state` matches the one this login sent. A mismatched or missing
// state is refused before anything else is looked at: it is how a forged redirect (login CSRF, a
// code injected by another local page) shows itself.
// Thread-safety: pure functions.
//
//   auto code = authorization_code_from_redirect(request_params, expected_state);
//   if (!code.ok()) ...   // "oidc_state_mismatch", "oidc_login_denied", "oidc_code_missing"
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::oidc {

// `params` are the redirect's query parameters, already percent-decoded.
Result<std::string> authorization_code_from_redirect(
    const std::multimap<std::string, std::string>& params, std::string_view expected_state);

}  // namespace smg::oidc
