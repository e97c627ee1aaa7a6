// Authorization Code flow (RFC 6749 §4.1 + PKCE): the authorization URL the browser is sent to,
// and the back-channel code exchange at the token endpoint.
//
// The exchange authenticates with client_secret_basic when a secret is configured (RFC 6749
// §2.3.1: id and secret form-encoded, then base64), else as a public client; PKCE's verifier is
// sent either way. Only the ID token is kept from the response: access and refresh tokens are
// never handed to browsers.
// Thread-safety: pure functions; `client` must be thread-safe.
//
//   std::string url = authorization_url(metadata, {.client_id = id, .redirect_uri = cb, ...});
//   auto tokens = exchange_code(*http, metadata, client, code, verifier);
//   if (!tokens.ok()) ...   // reason "oidc_token_invalid"
#pragma once

#include <string>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/http/http_client.h"
#include "common/oidc/discovery.h"
#include "common/status.h"

namespace smg::oidc {

struct ClientRegistration {
  std::string client_id{};
  crypto::Secret client_secret{};  // empty: public client (PKCE only)
  std::string redirect_uri{};      // exactly as registered with the IdP
  std::vector<std::string> scopes{};  // "openid" is always added when missing
};

struct AuthorizationRequest {
  std::string state{};
  std::string nonce{};
  std::string code_challenge{};  // S256
};

std::string authorization_url(const ProviderMetadata& metadata, const ClientRegistration& client,
                              const AuthorizationRequest& request);

struct TokenResponse {
  std::string id_token{};
};

Result<TokenResponse> exchange_code(const http::HttpClient& http, const ProviderMetadata& metadata,
                                    const ClientRegistration& client, const std::string& code,
                                    const std::string& code_verifier);

}  // namespace smg::oidc
