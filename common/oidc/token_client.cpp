#include "common/oidc/token_client.h"

#include <variant>

#include "common/crypto/crypto.h"
#include "common/http/form.h"

namespace smg::oidc {
namespace {

// The provider's error code is a short token from a fixed vocabulary (RFC 6749 §5.2) and safe to
// show; its free-text description is not shown, since it can carry anything.
std::string error_code(const OAuthError& error) {
  for (char c : error.error) {
    if (c < 0x20 || c > 0x7e) return "invalid_response";
  }
  return error.error.substr(0, 64);
}

}  // namespace

Result<TokenSet> exchange_code_for_tokens(const http::HttpClient& http, const Clock& clock,
                                          const ProviderMetadata& metadata,
                                          const ClientRegistration& client, const std::string& code,
                                          const std::string& code_verifier) {
  auto reply = token_request(http, clock, metadata.token_endpoint, client,
                             {{"grant_type", "authorization_code"},
                              {"code", code},
                              {"redirect_uri", client.redirect_uri},
                              {"code_verifier", code_verifier}});
  if (!reply.ok()) return reply.status();
  if (auto* error = std::get_if<OAuthError>(&*reply)) {
    return unauthenticated(
        "oidc_token_invalid",
        "the identity provider refused the authorization code: " + error_code(*error));
  }
  return std::get<TokenSet>(std::move(*reply));
}

Result<TokenSet> refresh_tokens(const http::HttpClient& http, const Clock& clock,
                                const std::string& token_endpoint, const ClientRegistration& client,
                                const std::string& refresh_token) {
  if (refresh_token.empty()) {
    return unauthenticated("oidc_refresh_rejected", "there is no refresh token to use");
  }
  auto reply = token_request(http, clock, token_endpoint, client,
                             {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
  if (!reply.ok()) return reply.status();
  if (auto* error = std::get_if<OAuthError>(&*reply)) {
    return unauthenticated(
        "oidc_refresh_rejected",
        "the identity provider refused the refresh token: " + error_code(*error));
  }
  TokenSet tokens = std::get<TokenSet>(std::move(*reply));
  if (tokens.refresh_token.empty()) tokens.refresh_token = refresh_token;
  return tokens;
}

Status revoke_token(const http::HttpClient& http, const std::string& revocation_endpoint,
                    const ClientRegistration& client, const std::string& token,
                    const std::string& token_type_hint) {
  FormFields fields{{"token", token}, {"token_type_hint", token_type_hint}};
  auto response = post_client_form(http, revocation_endpoint, client, std::move(fields));
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return unavailable(
        "oidc_revocation_failed",
        "the identity provider refused the revocation: HTTP " + std::to_string(response->status));
  }
  return Status::ok_status();
}

}  // namespace smg::oidc
