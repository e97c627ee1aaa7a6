// The token calls a native client (smgctl) makes after it has a grant: the authorization-code
// exchange that keeps every token, refresh (RFC 6749 §6) and revocation (RFC 7009).
//
// Unlike exchange_code() in auth_code.h (the gateway's browser login, which keeps only the ID
// token), these return the whole TokenSet: the CLI is the resource owner's own client and needs
// the access and refresh tokens to call the gateway.
// Thread-safety: pure functions; `http` must be thread-safe.
//
//   auto tokens = exchange_code_for_tokens(*http, clock, metadata, client, code, pkce.verifier);
//   auto fresh = refresh_tokens(*http, clock, metadata.token_endpoint, client, refresh_token);
//   if (fresh.status().reason() == "oidc_refresh_rejected") ...   // log in again
//   Status revoked = revoke_token(*http, metadata.revocation_endpoint, client, refresh_token);
#pragma once

#include <string>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/oidc/auth_code.h"
#include "common/oidc/discovery.h"
#include "common/oidc/token_endpoint.h"
#include "common/status.h"

namespace smg::oidc {

// Reasons: "oidc_token_invalid" (the provider refused the code), or token_request's transport
// reasons ("oidc_unavailable", "oidc_timeout", "oidc_token_response_invalid").
Result<TokenSet> exchange_code_for_tokens(const http::HttpClient& http, const Clock& clock,
                                          const ProviderMetadata& metadata,
                                          const ClientRegistration& client, const std::string& code,
                                          const std::string& code_verifier);

// A new token set from `refresh_token`. When the provider does not rotate the refresh token, the
// old one is kept in the result (RFC 6749 §6: it stays valid). Reasons: "oidc_refresh_rejected"
// (an OAuth error such as invalid_grant: revoked, expired or unknown; the session is over), or
// token_request's transport reasons (the session may still be fine).
Result<TokenSet> refresh_tokens(const http::HttpClient& http, const Clock& clock,
                                const std::string& token_endpoint, const ClientRegistration& client,
                                const std::string& refresh_token);

// RFC 7009: asks the provider to revoke `token` (hint "refresh_token" or "access_token").
// 200 is success, and so is an unknown or already revoked token (§2.2). Reasons:
// "oidc_revocation_failed" (the provider refused), or "oidc_unavailable".
Status revoke_token(const http::HttpClient& http, const std::string& revocation_endpoint,
                    const ClientRegistration& client, const std::string& token,
                    const std::string& token_type_hint = "refresh_token");

}  // namespace smg::oidc
