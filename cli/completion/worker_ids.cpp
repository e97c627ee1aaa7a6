#include "cli/completion/worker_ids.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/remote/target.h"
#include "common/http/http_client.h"

namespace smg::cli::completion {
namespace {

constexpr std::chrono::milliseconds kCompletionTimeout{2000};

}  // namespace

std::vector<std::string> worker_ids_from_body(const std::string& body) {
  std::vector<std::string> ids;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("workers") ||
      !doc["workers"].is_array()) {
    return ids;
  }
  for (const auto& worker : doc["workers"]) {
    if (worker.is_object() && worker.contains("id") && worker["id"].is_string()) {
      ids.push_back(worker["id"].get<std::string>());
    }
  }
  return ids;
}

std::vector<std::string> fetch_worker_ids(const CliContext& context) {
  RemoteTarget target;
  try {
    target = resolve_target(context);
  } catch (const std::exception&) {
    return {};
  }
  http::Request request;
  request.url = target.server + "/workers";
  request.timeout = kCompletionTimeout;
  request.tls.ca_file = target.cacert;
  request.tls.insecure = target.insecure;
  if (!target.token.empty()) {
    request.headers["Authorization"] = "Bearer " + target.token;
  }
  auto response = http::make_curl_client()->send(request);
  if (!response.ok() || response->status != 200) {
    return {};
  }
  return worker_ids_from_body(response->body);
}

}  // namespace smg::cli::completion
