#include "cli/remote/gateway_client.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "cli/exit_codes.h"
#include "cli/output/table.h"
#include "cli/usage/duration_option.h"

namespace smg::cli {
namespace {

constexpr std::size_t kMaxResponseBytes = 16 << 20;
// Prints `line` to `out` once the wait passes `delay`; nothing when destroyed before. The line
// is written from a helper thread while the caller is blocked in the transfer.
class WaitNotice {
 public:
  WaitNotice(std::ostream* out, std::string line, std::chrono::milliseconds delay) {
    if (out == nullptr) return;
    thread_ = std::thread([this, out, line = std::move(line), delay] {
      std::unique_lock lock(mutex_);
      if (!done_cv_.wait_for(lock, delay, [this] { return done_; })) *out << line << std::flush;
    });
  }
  ~WaitNotice() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  WaitNotice(const WaitNotice&) = delete;
  WaitNotice& operator=(const WaitNotice&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

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

std::string transport_message(const Status& failure, const std::string& server,
                              std::chrono::milliseconds timeout) {
  const std::string& reason = failure.reason();
  if (reason == "http_connect_failed" && failure.message() == "connection refused") {
    return "nothing is listening at " + server + " (is smgctl serve running? check --server)";
  }
  if (reason == "http_connect_failed") {
    return "cannot connect to " + server + ": " + failure.message();
  }
  if (reason == "http_dns_failed") {
    return "cannot find the host of " + server + ": the name does not resolve (check --server)";
  }
  if (reason == "http_tls_untrusted" && failure.message().find("CA bundle") != std::string::npos) {
    return "cannot use the CA bundle for " + server + ": " + failure.message() +
           " (check --cacert)";
  }
  if (reason == "http_tls_untrusted") {
    return "the TLS certificate of " + server +
           " is not trusted (pass --cacert FILE with its CA, "
           "or --insecure for a test gateway)";
  }
  if (reason == "http_tls_failed") {
    return "the TLS handshake with " + server + " failed (does it serve https? try http://)";
  }
  if (reason == "http_bad_answer") {
    return "the answer from " + server + " was not HTTP (does it serve https? try https://)";
  }
  if (reason == "http_partial") {
    return "the gateway at " + server + " closed the connection before the answer was complete";
  }
  if (reason == "http_timeout") {
    return "no answer from " + server + " within " + seconds_text(timeout) +
           " (--request-timeout; raise it for a slow gateway, e.g. --request-timeout 2m)";
  }
  return "cannot reach the gateway at " + server + ": " + failure.message();
}

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
    : target_(std::move(target)), http_(std::move(http)), call_timeout_(target_.request_timeout) {
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
  // The message names the server, never headers, so the token cannot appear here.
  return Status(status.code(), status.reason(),
                transport_message(status, target_.server, call_timeout_));
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
  Result<http::Response> response = [&] {
    WaitNotice notice(target_.wait_notice, "waiting for " + target_.server + "…\n",
                      target_.wait_notice_after);
    return http_->send(req);
  }();
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
  req.timeout = std::chrono::milliseconds(0);  // a stream may run for days
  req.head_timeout = call_timeout_;            // but must start answering in time
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
