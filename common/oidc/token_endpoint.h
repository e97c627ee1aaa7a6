// One call to an OAuth 2.0 token-style endpoint (RFC 6749 §3.2): a form POST with the client's
// authentication, answered by either a token set (§5.1) or an OAuth error (§5.2). The device
// flow, the code exchange, refresh and revocation all go through here, so client authentication
// and response parsing live in one place.
//
// Client authentication: client_secret_basic when the registration has a secret (RFC 6749
// §2.3.1: id and secret form-encoded, then base64), else a public client sending `client_id`.
// Thread-safety: pure functions; `http` must be thread-safe.
//
//   auto reply = token_request(*http, clock, metadata.token_endpoint, client,
//                              {{"grant_type", "refresh_token"}, {"refresh_token", rt}});
//   if (!reply.ok()) ...                                  // transport or malformed response
//   if (auto* error = std::get_if<OAuthError>(&*reply)) ...   // error->error: "invalid_grant"
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/oidc/auth_code.h"
#include "common/status.h"

namespace smg::oidc {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// What a successful token response holds. `expires_at` is Unix seconds computed from
// `expires_in` at receipt; 0 when the provider did not say.
struct TokenSet {
  std::string access_token{};
  std::string token_type{};
  std::string refresh_token{};
  std::string id_token{};
  std::string scope{};
  int64_t expires_at = 0;
};

// RFC 6749 §5.2. `error` is the provider's code ("authorization_pending", "invalid_grant", ...);
// `description` is free text from the provider, fit for a terminal only after sanitising.
struct OAuthError {
  std::string error{};
  std::string description{};
  long http_status = 0;
};

using TokenReply = std::variant<TokenSet, OAuthError>;

// "openid" first, then the other scopes in order, without repeats or empty entries.
std::string scope_parameter(const std::vector<std::string>& scopes);

// Adds client authentication to a form request (Authorization header or client_id field).
void authenticate_client(const ClientRegistration& client, http::Request& request,
                         FormFields& fields);

// POSTs a client-authenticated form to one of the provider's endpoints (token, revocation).
// Fails with reason "oidc_timeout" (no answer in time) or "oidc_unavailable" (unreachable, or
// the endpoint fails the URL policy); any HTTP answer is returned as is. The form is wiped.
Result<http::Response> post_client_form(const http::HttpClient& http, const std::string& endpoint,
                                        const ClientRegistration& client, FormFields fields);

// POSTs `fields` to `endpoint`. Fails with reason "oidc_timeout" (the provider did not answer in
// time), "oidc_unavailable" (it cannot be reached, or the endpoint fails the URL policy) or
// "oidc_token_response_invalid" (it answered neither tokens nor an OAuth error).
Result<TokenReply> token_request(const http::HttpClient& http, const Clock& clock,
                                 const std::string& endpoint, const ClientRegistration& client,
                                 FormFields fields);

// Parses a token endpoint answer. Public for the unit tests.
Result<TokenReply> parse_token_reply(long http_status, const std::string& body,
                                     int64_t now_seconds);

}  // namespace smg::oidc
