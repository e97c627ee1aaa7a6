#include "common/oidc/token_endpoint.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/crypto/crypto.h"
#include "common/http/form.h"

namespace smg::oidc {
namespace {

Status response_invalid(const std::string& why) {
  return unavailable("oidc_token_response_invalid",
                     "the identity provider's token response was not usable: " + why);
}

std::string string_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<TokenReply> parse_tokens(const nlohmann::json& body, int64_t now_seconds) {
  TokenSet tokens;
  tokens.access_token = string_field(body, "access_token");
  if (tokens.access_token.empty()) return response_invalid("no access_token");
  tokens.token_type = string_field(body, "token_type");
  tokens.refresh_token = string_field(body, "refresh_token");
  tokens.id_token = string_field(body, "id_token");
  tokens.scope = string_field(body, "scope");
  auto expires_in = body.find("expires_in");
  // Some providers send expires_in as a string; both are "seconds from now" (RFC 6749 §5.1).
  if (expires_in != body.end() && expires_in->is_number_integer()) {
    tokens.expires_at = now_seconds + expires_in->get<int64_t>();
  } else if (expires_in != body.end() && expires_in->is_string()) {
    try {
      tokens.expires_at = now_seconds + std::stoll(expires_in->get<std::string>());
    } catch (const std::exception&) {
      return response_invalid("expires_in is not a number");
    }
  }
  return TokenReply(std::move(tokens));
}

}  // namespace

std::string scope_parameter(const std::vector<std::string>& scopes) {
  std::string scope = "openid";
  std::vector<std::string> seen{"openid"};
  for (const auto& item : scopes) {
    if (item.empty() || std::find(seen.begin(), seen.end(), item) != seen.end()) continue;
    seen.push_back(item);
    scope += " " + item;
  }
  return scope;
}

void authenticate_client(const ClientRegistration& client, http::Request& request,
                         FormFields& fields) {
  if (client.client_secret.empty()) {
    fields.emplace_back("client_id", client.client_id);
    return;
  }
  std::string pair = http::percent_encode(client.client_id) + ":" +
                     http::percent_encode(client.client_secret.reveal());
  request.headers["Authorization"] = "Basic " + crypto::base64_encode(pair);
  crypto::secure_erase(pair);
}

Result<TokenReply> parse_token_reply(long http_status, const std::string& body_text,
                                     int64_t now_seconds) {
  auto body = nlohmann::json::parse(body_text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return response_invalid("HTTP " + std::to_string(http_status) + " without a JSON object");
  }
  std::string error = string_field(body, "error");
  if (!error.empty()) {
    return TokenReply(OAuthError{error, string_field(body, "error_description"), http_status});
  }
  if (http_status != 200) return response_invalid("HTTP " + std::to_string(http_status));
  return parse_tokens(body, now_seconds);
}

Result<http::Response> post_client_form(const http::HttpClient& http, const std::string& endpoint,
                                        const ClientRegistration& client, FormFields fields) {
  if (Status allowed = http::check_fetch_url(endpoint); !allowed.ok()) {
    return unavailable("oidc_unavailable", allowed.message());
  }
  http::Request request;
  request.method = "POST";
  request.url = endpoint;
  request.headers["Content-Type"] = "application/x-www-form-urlencoded";
  request.headers["Accept"] = "application/json";
  authenticate_client(client, request, fields);
  request.body = http::form_encode(fields);
  auto response = http.send(request);
  crypto::secure_erase(request.body);
  for (auto& field : fields) crypto::secure_erase(field.second);
  if (!response.ok()) {
    // Keep the transport reason (http_timeout drives the device flow's back-off).
    return unavailable(
        response.status().reason() == "http_timeout" ? "oidc_timeout" : "oidc_unavailable",
        "could not reach the identity provider: " + response.status().message());
  }
  return response;
}

Result<TokenReply> token_request(const http::HttpClient& http, const Clock& clock,
                                 const std::string& endpoint, const ClientRegistration& client,
                                 FormFields fields) {
  auto response = post_client_form(http, endpoint, client, std::move(fields));
  if (!response.ok()) return response.status();
  return parse_token_reply(response->status, response->body, clock.now_seconds());
}

}  // namespace smg::oidc
