// OAuth 2.0 Device Authorization Grant (RFC 8628) for a client without a browser: ask the
// provider for a device code and a user code (§3.1–3.2), show the user where to enter it, then
// poll the token endpoint (§3.4–3.5) until the user approves, denies or the code expires.
//
// Polling honours the provider: it waits `interval` (default 5 s) before every request, adds 5 s
// on `slow_down`, keeps going on `authorization_pending`, doubles the interval when a request
// times out (§3.5), and stops on `expired_token`, `access_denied`, or when `expires_in` has
// passed by the injected clock. Waiting goes through the injected `sleep`, so tests drive a whole
// flow, slow_down and expiry included, without waiting.
// Thread-safety: pure functions; `http` must be thread-safe.
//
//   auto started = start_device_authorization(*http, clock, metadata, client);
//   std::cerr << "Open " << started->verification_uri << " and enter " << started->user_code;
//   auto tokens = poll_device_token(*http, clock, sleep_for, metadata.token_endpoint, client,
//                                   *started);
//   if (!tokens.ok()) ...   // "oidc_device_expired", "oidc_device_denied", ...
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/oidc/auth_code.h"
#include "common/oidc/discovery.h"
#include "common/oidc/token_endpoint.h"
#include "common/status.h"

namespace smg::oidc {

inline constexpr const char* kDeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

struct DeviceAuthorization {
  std::string device_code{};  // the client's handle on the pending grant: never shown
  std::string user_code{};
  std::string verification_uri{};
  std::string verification_uri_complete{};  // empty when the provider offers none
  std::chrono::seconds interval{5};
  int64_t expires_at = 0;  // Unix seconds
};

// Waits `duration`; returns false when the wait was interrupted (the user gave up).
using SleepFor = std::function<bool(std::chrono::seconds duration)>;

// §3.1–3.2 against metadata.device_authorization_endpoint, with `client.scopes` (plus openid).
// Reasons: "oidc_device_unsupported" (no endpoint), "oidc_device_refused" (an OAuth error),
// "oidc_token_response_invalid", "oidc_unavailable".
Result<DeviceAuthorization> start_device_authorization(const http::HttpClient& http,
                                                       const Clock& clock,
                                                       const ProviderMetadata& metadata,
                                                       const ClientRegistration& client);

// Parses a §3.2 response. Refuses control characters in anything meant for the terminal.
Result<DeviceAuthorization> parse_device_authorization(long http_status, const std::string& body,
                                                       int64_t now_seconds);

// §3.4–3.5. Reasons: "oidc_device_expired", "oidc_device_denied", "oidc_device_interrupted",
// "oidc_token_invalid" (any other OAuth error), or token_request's transport reasons.
Result<TokenSet> poll_device_token(const http::HttpClient& http, const Clock& clock,
                                   const SleepFor& sleep, const std::string& token_endpoint,
                                   const ClientRegistration& client,
                                   const DeviceAuthorization& authorization);

}  // namespace smg::oidc
