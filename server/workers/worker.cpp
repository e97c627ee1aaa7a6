#include "server/workers/worker.h"

#include <algorithm>
#include <cctype>

namespace smg::workers {

const char* worker_type_name(WorkerType type) {
  switch (type) {
    case WorkerType::kRegular: return "regular";
    case WorkerType::kPrefill: return "prefill";
    case WorkerType::kDecode: return "decode";
  }
  return "regular";
}

const char* worker_status_name(WorkerStatus status) {
  switch (status) {
    case WorkerStatus::kPending: return "pending";
    case WorkerStatus::kReady: return "ready";
    case WorkerStatus::kNotReady: return "not_ready";
    case WorkerStatus::kFailed: return "failed";
    case WorkerStatus::kDraining: return "draining";
  }
  return "pending";
}

Result<WorkerType> parse_worker_type(std::string_view name) {
  if (name == "regular") {
    return WorkerType::kRegular;
  }
  if (name == "prefill") {
    return WorkerType::kPrefill;
  }
  if (name == "decode") {
    return WorkerType::kDecode;
  }
  return invalid_argument("invalid_worker_type",
                          "worker_type must be one of: regular, prefill, decode");
}

std::string new_worker_id() {
  std::string bytes = crypto::random_bytes(16);
  bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3f) | 0x80);
  std::string hex = crypto::to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (dash_position ? c != '-' : !std::isxdigit(c)) {
      return false;
    }
  }
  return true;
}

Worker::Worker(std::string id, WorkerSpec spec, CircuitBreakerOptions breaker_options,
               const Clock& clock)
    : id_(std::move(id)), url_(spec.url), spec_(std::move(spec)),
      breaker_(breaker_options, clock) {}

WorkerSpec Worker::spec() const {
  std::lock_guard lock(spec_mutex_);
  return spec_;
}

crypto::Secret Worker::api_key() const {
  std::lock_guard lock(spec_mutex_);
  return spec_.api_key;
}

void Worker::set_spec(WorkerSpec spec) {
  spec.url = url_;
  std::lock_guard lock(spec_mutex_);
  spec_ = std::move(spec);
}

std::vector<std::string> Worker::model_ids() const {
  std::lock_guard lock(spec_mutex_);
  if (!spec_.models.empty()) {
    return spec_.models;
  }
  std::vector<std::string> ids;
  if (!spec_.model_id.empty()) {
    ids.push_back(spec_.model_id);
  }
  for (const auto& id : discovered_models_) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
    }
  }
  return ids;
}

void Worker::set_discovered_models(std::vector<std::string> models) {
  std::lock_guard lock(spec_mutex_);
  discovered_models_ = std::move(models);
}

std::vector<std::string> Worker::discovered_models() const {
  std::lock_guard lock(spec_mutex_);
  return discovered_models_;
}

bool Worker::serves(const std::string& model) const {
  if (model.empty()) {
    return true;
  }
  auto ids = model_ids();
  return ids.empty() || std::find(ids.begin(), ids.end(), model) != ids.end();
}

bool Worker::transition_status(WorkerStatus from, WorkerStatus to) {
  return status_.compare_exchange_strong(from, to);
}

bool Worker::routable() const {
  return status() == WorkerStatus::kReady && breaker_.allows();
}

int Worker::note_health_success() {
  {
    std::lock_guard lock(spec_mutex_);
    last_error_.clear();
  }
  health_failures_.store(0);
  return health_successes_.fetch_add(1) + 1;
}

int Worker::note_health_failure(std::string reason) {
  {
    std::lock_guard lock(spec_mutex_);
    last_error_ = reason.empty() ? "health check failed" : std::move(reason);
  }
  health_successes_.store(0);
  return health_failures_.fetch_add(1) + 1;
}

std::string Worker::last_error() const {
  std::lock_guard lock(spec_mutex_);
  return last_error_;
}

nlohmann::json Worker::to_json() const {
  WorkerSpec current = spec();
  std::vector<std::string> ids = model_ids();
  std::string model_id = current.model_id.empty() && !ids.empty() ? ids.front() : current.model_id;
  std::string error = last_error();
  return {
      {"id", id_},
      {"url", url_},
      {"model_id", model_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(model_id)},
      {"models", ids},
      {"worker_type", worker_type_name(current.worker_type)},
      {"priority", current.priority},
      {"cost", current.cost},
      {"labels", current.labels},
      {"is_healthy", is_healthy()},
      {"status", worker_status_name(status())},
      {"load", load()},
      {"circuit_state", circuit_state_name(breaker_.state())},
      {"health",
       {{"consecutive_successes", health_successes_.load()},
        {"consecutive_failures", health_failures_.load()}}},
      {"last_error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
  };
}

}  // namespace smg::workers
