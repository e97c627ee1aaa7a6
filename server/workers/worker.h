// Worker: one inference backend (an SGLang/vLLM/OpenAI-compatible server) the gateway routes to.
//
// A Worker pairs an immutable id and URL with a mutable WorkerSpec (priority, cost, labels, models,
// api_key), a health status driven by the HealthChecker, a CircuitBreaker fed by request outcomes,
// and an in-flight load counter. The api_key is write-only: to_json() never includes it.
// Thread-safety: every method may be called from many threads at once.
//
//   using namespace smg::workers;
//   auto worker = std::make_shared<Worker>(new_worker_id(), spec, CircuitBreakerOptions{}, clock);
//   worker->set_status(smg::workers::WorkerStatus::kReady);
//   if (worker->routable() && worker->serves("llama-3")) { /* send it a request */ }
//   nlohmann::json shown = worker->to_json();   // no api_key
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/crypto/crypto.h"
#include "common/status.h"
#include "server/workers/circuit_breaker.h"

namespace smg::workers {

enum class WorkerType { kRegular, kPrefill, kDecode };
enum class WorkerStatus { kPending, kReady, kNotReady, kFailed, kDraining };

const char* worker_type_name(WorkerType type);      // "regular", "prefill", "decode"
const char* worker_status_name(WorkerStatus status);  // "pending", "ready", "not_ready", ...
// Fails with reason "invalid_worker_type" for anything but the three names.
Result<WorkerType> parse_worker_type(std::string_view name);

struct WorkerSpec {
  std::string url;                    // normalized: scheme://host[:port][/base], no trailing slash
  std::vector<std::string> models;    // model ids the worker serves; empty = learn by discovery
  std::string model_id;               // a single model id (SMG's older field)
  crypto::Secret api_key;             // sent as "Authorization: Bearer"; never returned
  WorkerType worker_type = WorkerType::kRegular;
  int priority = 50;                  // higher first, where a policy cares
  double cost = 1.0;                  // relative cost, where a policy cares
  std::map<std::string, std::string> labels;
};

// A random (version 4) UUID in its 36-character lowercase form.
std::string new_worker_id();
// True for the 8-4-4-4-12 hex form (any case).
bool is_uuid(std::string_view text);

class Worker {
 public:
  // REQUIRES: `clock` outlives the worker; spec.url already normalized.
  Worker(std::string id, WorkerSpec spec, CircuitBreakerOptions breaker_options,
         const Clock& clock);

  const std::string& id() const { return id_; }
  const std::string& url() const { return url_; }  // immutable

  WorkerSpec spec() const;
  // The worker's own key (empty when none), without copying the rest of the spec.
  crypto::Secret api_key() const;
  // Replaces the mutable fields; the URL stays as it was.
  void set_spec(WorkerSpec spec);

  // The model ids this worker serves: spec.models if given, else model_id plus discovered ids.
  std::vector<std::string> model_ids() const;
  void set_discovered_models(std::vector<std::string> models);
  std::vector<std::string> discovered_models() const;
  // True for an empty model, for one of model_ids(), or when no model id is known at all (a
  // single-model backend that has not said which: it takes whatever it is sent, as SMG does).
  bool serves(const std::string& model) const;

  WorkerStatus status() const { return status_.load(); }
  void set_status(WorkerStatus status) { status_.store(status); }
  // Moves from `from` to `to` only if still in `from` (so a draining worker stays draining).
  bool transition_status(WorkerStatus from, WorkerStatus to);
  bool is_healthy() const { return status() == WorkerStatus::kReady; }
  // Ready and its circuit breaker admits requests.
  bool routable() const;

  CircuitBreaker& breaker() { return breaker_; }
  const CircuitBreaker& breaker() const { return breaker_; }

  int64_t load() const { return load_.load(); }
  void add_load(int64_t delta) { load_.fetch_add(delta); }

  // Health-check streaks, maintained by the HealthChecker; each call returns the new streak.
  // A failure records why, in plain words with no secrets ("connection refused", "HTTP 503");
  // a success clears it.
  int note_health_success();
  int note_health_failure(std::string reason = "");
  // The last health-check failure's reason; empty once a check passes (or before any failed).
  std::string last_error() const;

  // id, url, model_id, models, worker_type, priority, cost, labels, is_healthy, status, load,
  // circuit_state, health, last_error (null when the last check passed). Never the api_key.
  nlohmann::json to_json() const;

 private:
  const std::string id_;
  const std::string url_;
  mutable std::mutex spec_mutex_;
  WorkerSpec spec_;
  std::vector<std::string> discovered_models_;
  std::string last_error_;  // guarded by spec_mutex_
  std::atomic<WorkerStatus> status_{WorkerStatus::kPending};
  std::atomic<int64_t> load_{0};
  std::atomic<int> health_successes_{0};
  std::atomic<int> health_failures_{0};
  CircuitBreaker breaker_;
};

}  // namespace smg::workers
