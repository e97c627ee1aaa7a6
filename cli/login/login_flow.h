// The two ways `smgctl login` gets tokens from an OpenID provider, for a terminal user:
//   device_login  RFC 8628: prints where to go and the user code, then polls (no browser here)
//   pkce_login    Authorization Code + PKCE S256 with a loopback redirect (RFC 8252): prints the
//                 authorization URL, opens a browser when allowed, waits for the redirect
// Both print their instructions to `prompt` (stderr: stdout stays for results) and return the
// provider's tokens; storing them is the caller's business.
// Thread-safety: one login per call; `http`, `clock` and `sleep` as their interfaces say.
//
//   LoginSeams seams{.http = *http, .clock = SystemClock::instance(), .sleep = real_sleep};
//   auto tokens = device_login(seams, metadata, client, std::cerr);
#pragma once

#include <chrono>
#include <ostream>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/oidc/auth_code.h"
#include "common/oidc/device_flow.h"
#include "common/oidc/discovery.h"
#include "common/oidc/token_endpoint.h"
#include "common/status.h"

namespace smg::cli {

struct LoginSeams {
  const http::HttpClient& http;
  const Clock& clock;
  oidc::SleepFor sleep;
};

struct PkceOptions {
  bool open_browser = true;  // the caller has already checked --no-browser and $DISPLAY
  std::chrono::seconds timeout{300};
};

// `client.redirect_uri` is ignored.
Result<oidc::TokenSet> device_login(const LoginSeams& seams, const oidc::ProviderMetadata& metadata,
                                    const oidc::ClientRegistration& client, std::ostream& prompt);

// `client.redirect_uri` is set here, to the loopback listener's. Reasons besides the token
// calls': "oidc_pkce_unsupported", "loopback_listen_failed", "oidc_login_timeout",
// "oidc_state_mismatch", "oidc_code_missing", "oidc_login_denied".
Result<oidc::TokenSet> pkce_login(const LoginSeams& seams, const oidc::ProviderMetadata& metadata,
                                  oidc::ClientRegistration client, const PkceOptions& options,
                                  std::ostream& prompt);

// Sleeps for real; never interrupted (Ctrl-C ends the process).
bool sleep_for_real(std::chrono::seconds duration);

}  // namespace smg::cli
