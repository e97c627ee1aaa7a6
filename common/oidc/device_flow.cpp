#include "common/oidc/device_flow.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "common/http/form.h"

namespace smg::oidc {
namespace {

constexpr std::chrono::seconds kSlowDownStep{5};  // RFC 8628 §3.5
// §3.2 makes expires_in required; a provider that leaves it out still gets a bounded wait.
constexpr int64_t kDefaultExpiresIn = 600;

Status response_invalid(const std::string& why) {
  return unavailable("oidc_token_response_invalid",
                     "the identity provider's device authorization was not usable: " + why);
}

// Printable ASCII only: these values go to the user's terminal and must not carry escapes.
bool printable(const std::string& text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Result<std::string> required_text(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return response_invalid(std::string("missing ") + name);
  }
  if (!printable(it->get<std::string>())) return response_invalid(std::string("bad ") + name);
  return it->get<std::string>();
}

int64_t seconds_field(const nlohmann::json& body, const char* name, int64_t fallback) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) return fallback;
  return it->get<int64_t>();
}

// What one poll's OAuth error means for the loop: nullopt = poll again, else the final status.
std::optional<Status> on_poll_error(const OAuthError& error, std::chrono::seconds& interval) {
  if (error.error == "authorization_pending") return std::nullopt;
  if (error.error == "slow_down") {
    interval += kSlowDownStep;
    return std::nullopt;
  }
  if (error.error == "expired_token") {
    return Status(Code::kDeadlineExceeded, "oidc_device_expired",
                  "the device code expired before the login was approved");
  }
  if (error.error == "access_denied") {
    return Status(Code::kPermissionDenied, "oidc_device_denied", "the login was denied");
  }
  return unauthenticated("oidc_token_invalid",
                         "the identity provider refused the device code: " +
                             (printable(error.error) ? error.error : "invalid_response"));
}

}  // namespace

Result<DeviceAuthorization> parse_device_authorization(long http_status, const std::string& text,
                                                       int64_t now_seconds) {
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return response_invalid("not a JSON object");
  if (auto error = body.find("error"); error != body.end() && error->is_string()) {
    std::string code = error->get<std::string>();
    return unauthenticated("oidc_device_refused",
                           "the identity provider refused the device authorization: " +
                               (printable(code) ? code : "invalid_response"));
  }
  if (http_status != 200) return response_invalid("HTTP " + std::to_string(http_status));
  auto device_code = required_text(body, "device_code");
  auto user_code = required_text(body, "user_code");
  auto uri = required_text(body, "verification_uri");
  for (const auto* part : {&device_code, &user_code, &uri}) {
    if (!part->ok()) return part->status();
  }
  DeviceAuthorization authorization;
  authorization.device_code = *device_code;
  authorization.user_code = *user_code;
  authorization.verification_uri = *uri;
  if (body.contains("verification_uri_complete")) {
    auto complete = required_text(body, "verification_uri_complete");
    if (!complete.ok()) return complete.status();
    authorization.verification_uri_complete = *complete;
  }
  authorization.interval = std::chrono::seconds(seconds_field(body, "interval", 5));
  authorization.expires_at = now_seconds + seconds_field(body, "expires_in", kDefaultExpiresIn);
  return authorization;
}

Result<DeviceAuthorization> start_device_authorization(const http::HttpClient& http,
                                                       const Clock& clock,
                                                       const ProviderMetadata& metadata,
                                                       const ClientRegistration& client) {
  if (metadata.device_authorization_endpoint.empty()) {
    return Status(Code::kFailedPrecondition, "oidc_device_unsupported",
                  "the identity provider offers no device authorization endpoint (try --pkce)");
  }
  http::Request request;
  request.method = "POST";
  request.url = metadata.device_authorization_endpoint;
  request.headers["Content-Type"] = "application/x-www-form-urlencoded";
  request.headers["Accept"] = "application/json";
  FormFields fields{{"scope", scope_parameter(client.scopes)}};
  authenticate_client(client, request, fields);
  request.body = http::form_encode(fields);
  auto response = http.send(request);
  if (!response.ok()) {
    return unavailable("oidc_unavailable",
                       "could not reach the identity provider: " + response.status().message());
  }
  return parse_device_authorization(response->status, response->body, clock.now_seconds());
}

Result<TokenSet> poll_device_token(const http::HttpClient& http, const Clock& clock,
                                   const SleepFor& sleep, const std::string& token_endpoint,
                                   const ClientRegistration& client,
                                   const DeviceAuthorization& authorization) {
  std::chrono::seconds interval = authorization.interval;
  while (clock.now_seconds() < authorization.expires_at) {
    if (!sleep(interval)) {
      return Status(Code::kDeadlineExceeded, "oidc_device_interrupted", "login interrupted");
    }
    auto reply = token_request(
        http, clock, token_endpoint, client,
        {{"grant_type", kDeviceCodeGrant}, {"device_code", authorization.device_code}});
    if (!reply.ok()) {
      if (reply.status().reason() != "oidc_timeout") return reply.status();
      interval *= 2;
      continue;
    }
    if (auto* tokens = std::get_if<TokenSet>(&*reply)) return std::move(*tokens);
    if (auto done = on_poll_error(std::get<OAuthError>(*reply), interval)) return *done;
  }
  return Status(Code::kDeadlineExceeded, "oidc_device_expired",
                "the device code expired before the login was approved");
}

}  // namespace smg::oidc
