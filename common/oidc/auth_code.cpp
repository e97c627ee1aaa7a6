#include "common/oidc/auth_code.h"

#include <nlohmann/json.hpp>

#include "common/http/form.h"
#include "common/oidc/token_endpoint.h"

namespace smg::oidc {
namespace {

Status token_invalid(const std::string& why) {
  return unauthenticated("oidc_token_invalid", "OIDC code exchange failed: " + why);
}

}  // namespace

std::string authorization_url(const ProviderMetadata& metadata, const ClientRegistration& client,
                              const AuthorizationRequest& request) {
  std::string query = http::form_encode({{"response_type", "code"},
                                         {"client_id", client.client_id},
                                         {"redirect_uri", client.redirect_uri},
                                         {"scope", scope_parameter(client.scopes)},
                                         {"state", request.state},
                                         {"nonce", request.nonce},
                                         {"code_challenge", request.code_challenge},
                                         {"code_challenge_method", "S256"}});
  char separator = metadata.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  return metadata.authorization_endpoint + separator + query;
}

Result<TokenResponse> exchange_code(const http::HttpClient& http, const ProviderMetadata& metadata,
                                    const ClientRegistration& client, const std::string& code,
                                    const std::string& code_verifier) {
  FormFields fields{{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", client.redirect_uri},
                    {"code_verifier", code_verifier}};
  http::Request request;
  request.method = "POST";
  request.url = metadata.token_endpoint;
  request.headers["Content-Type"] = "application/x-www-form-urlencoded";
  request.headers["Accept"] = "application/json";
  authenticate_client(client, request, fields);
  request.body = http::form_encode(fields);
  auto response = http.send(request);
  if (!response.ok()) return token_invalid(response.status().message());
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (response->status != 200 || !body.is_object()) {
    return token_invalid("HTTP " + std::to_string(response->status));
  }
  auto id_token = body.find("id_token");
  if (id_token == body.end() || !id_token->is_string()) return token_invalid("no id_token");
  return TokenResponse{id_token->get<std::string>()};
}

}  // namespace smg::oidc
