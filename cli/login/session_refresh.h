// Keeping a `smgctl login` session alive: before a remote command uses a context's OIDC access
// token, a token that expires within kRefreshMargin is replaced through the refresh token and the
// new tokens are saved. The refresh runs inside ContextStore::update_credential, under the store's
// lock and against the freshest stored tokens, so two smgctl processes never spend the same
// (rotating) refresh token twice: the second finds the first one's fresh token and uses it.
// Thread-safety: as ContextStore (one thread per store object; processes are safe).
//
//   auto bearer = fresh_access_token(store, "prod", *http, SystemClock::instance());
//   if (!bearer.ok() && bearer.status().code() == Code::kUnauthenticated)
//     throw CommandError(kExitUnauthenticated, session_expired_message("prod"));
#pragma once

#include <cstdint>
#include <string>

#include "cli/contexts/context.h"
#include "cli/contexts/context_store.h"
#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/status.h"

namespace smg::cli {

constexpr int64_t kRefreshMarginSeconds = 30;

// True when the access token is missing or expires within kRefreshMargin of `now_seconds`.
// A token whose lifetime the provider did not state (expires_at 0) is used until refused.
bool needs_refresh(const OidcTokens& tokens, int64_t now_seconds);

// The context's access token, refreshed first when needs_refresh says so. When the provider
// cannot be reached but the stored token has not expired yet, that token is returned. Reasons:
// "oidc_refresh_rejected" (Unauthenticated: the session is over), "oidc_session_missing"
// (the context holds no OIDC tokens), the store's own failures, or a transport reason from the
// provider ("oidc_unavailable", "oidc_timeout", "oidc_token_response_invalid").
Result<std::string> fresh_access_token(ContextStore& store, const std::string& context_name,
                                       const http::HttpClient& http, const Clock& clock);

// "session for context NAME expired or was revoked: run `smgctl login` again".
std::string session_expired_message(const std::string& context_name);

}  // namespace smg::cli
