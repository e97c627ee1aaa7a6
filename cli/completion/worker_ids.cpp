#include "cli/completion/worker_ids.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/remote/gateway_client.h"
#include "cli/remote/target.h"

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

// The same client as `workers list`, so TLS options, credentials and refresh follow one rule.
std::vector<std::string> fetch_worker_ids(const CliContext& context) {
  try {
    GatewayClient client(resolve_target(context));
    client.set_call_timeout(kCompletionTimeout);
    auto workers = client.call("GET", "/workers");
    return workers.ok() ? worker_ids_from_body(workers->dump()) : std::vector<std::string>{};
  } catch (const std::exception&) {
    return {};  // no server known, or a session that must log in again
  }
}

}  // namespace smg::cli::completion
