#include "cli/remote/gateway_client.h"

#include "cli/exit_codes.h"
#include "cli/output/table.h"

namespace smg::cli {
namespace {

constexpr std::size_t kMaxResponseBytes = 16 << 20;

Code code_for_http(long status) {
  switch (status) {
    case 401:
      return Code::kUnauthenticated;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 409:
      return Code::kAlreadyExists;
    case 501:
      return Code::kUnimplemented;
    default:
      return status >= 500 ? Code::kUnavailable : Code::kFailedPrecondition;
  }
}

// The server's own words when it sent one of SMG's error shapes, else something generic.
std::string server_message(long status, const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("error")) {
    const nlohmann::json& error = doc["error"];
    if (error.is_object() && error.contains("message") && error["message"].is_string()) {
      return error["message"].get<std::string>();
    }
    if (error.is_string()) return error.get<std::string>();
  }
  // SMG's tokenizer removal answers {"success":false,"message":"..."}.
  if (!doc.is_discarded() && doc.is_object() && doc.contains("message") &&
      doc["message"].is_string()) {
    return doc["message"].get<std::string>();
  }
  switch (status) {
    case 401:
      return "not authenticated: pass --token, set SMG_TOKEN or log in";
    case 403:
      return "forbidden: the credential lacks the admin role";
    default:
      return "the gateway answered HTTP " + std::to_string(status);
  }
}

}  // namespace

Status http_error_status(long status, const std::string& body) {
  // Capped and on one line: a hostile or broken server must not flood or forge the terminal.
  std::string message = one_line(server_message(status, body)).substr(0, 500);
  return Status(code_for_http(status), "http_" + std::to_string(status),
                message + " (HTTP " + std::to_string(status) + ")");
}

nlohmann::json require_ok(Result<nlohmann::json> result) {
  if (!result.ok()) {
    throw CommandError(exit_code_for(result.status()), result.status().message());
  }
  return std::move(*result);
}

GatewayClient::GatewayClient(RemoteTarget target, std::shared_ptr<const http::HttpClient> http)
    : target_(std::move(target)), http_(std::move(http)) {
  if (!http_) http_ = http::make_curl_client();
}

http::Request GatewayClient::request(const std::string& method, const std::string& path) const {
  http::Request request;
  request.method = method;
  request.url = target_.server + path;
  request.headers["Accept"] = "application/json";
  if (!target_.token.empty()) request.headers["Authorization"] = "Bearer " + target_.token;
  request.timeout = call_timeout_;
  request.max_response_bytes = kMaxResponseBytes;
  request.tls.ca_file = target_.cacert;
  request.tls.insecure = target_.insecure;
  return request;
}

Status GatewayClient::transport_failure(const Status& status) const {
  // curl's messages name hosts, never headers, so the token cannot appear here.
  return Status(status.code(), status.reason(),
                "cannot reach the gateway at " + target_.server + ": " + status.message());
}

Status GatewayClient::answer_failure(long status, const std::string& body) const {
  Status failure = http_error_status(status, body);
  // A 401 names the credential that failed and the fix; for a `smgctl login` session it means
  // the session is over (revoked at the provider, or no longer trusted): log in again.
  if (status == 401) {
    return Status(failure.code(), failure.reason(),
                  unauthenticated_message(target_, failure.message()));
  }
  return failure;
}

Result<nlohmann::json> GatewayClient::call(const std::string& method, const std::string& path,
                                           const nlohmann::json* body) const {
  http::Request req = request(method, path);
  if (body != nullptr) {
    req.body = body->dump();
    req.headers["Content-Type"] = "application/json";
  }
  auto response = http_->send(req);
  if (!response.ok()) return transport_failure(response.status());
  if (response->status < 200 || response->status >= 300) {
    return answer_failure(response->status, response->body);
  }
  nlohmann::json doc = nlohmann::json::parse(response->body, nullptr, false);
  return doc.is_discarded() ? nlohmann::json() : doc;
}

Status GatewayClient::stream(const std::string& path,
                             const std::map<std::string, std::string>& headers,
                             const std::function<bool(std::string_view)>& on_chunk,
                             std::chrono::seconds stall_timeout) const {
  http::Request req = request("GET", path);
  req.headers["Accept"] = "text/event-stream";
  for (const auto& [name, value] : headers) req.headers[name] = value;
  req.timeout = std::chrono::milliseconds(0);
  req.stall_timeout = stall_timeout;
  req.on_body_chunk = on_chunk;
  auto response = http_->send(req);
  if (!response.ok()) {
    if (response.status().reason() == "http_aborted") return {};
    return transport_failure(response.status());
  }
  if (response->status < 200 || response->status >= 300) {
    return answer_failure(response->status, response->body);
  }
  return {};
}

}  // namespace smg::cli
