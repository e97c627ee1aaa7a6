// WorkerRegistry: the set of workers the gateway knows, keyed by id, unique by normalized URL.
//
// Routing reads a snapshot (a shared_ptr to an immutable vector, swapped on every add/remove), so
// a pick never waits on the control plane. remove() marks the worker draining and drops it from
// the registry at once; requests already holding its shared_ptr finish normally.
// Thread-safety: every method may be called from many threads at once.
//
//   smg::workers::WorkerRegistry registry({}, smg::SystemClock::instance());
//   auto spec = smg::workers::parse_worker_body(body);
//   auto added = registry.add(std::move(*spec));   // reason "WORKER_ALREADY_EXISTS" on a dup URL
//   auto workers = registry.snapshot();   // hold it: `*registry.snapshot()` in a range-for dangles
//   for (const auto& w : *workers) { /* route */ }
//   registry.remove((*added)->id());
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/status.h"
#include "server/workers/circuit_breaker.h"
#include "server/workers/worker.h"
#include "server/workers/worker_body.h"

namespace smg::workers {

using WorkerList = std::vector<std::shared_ptr<Worker>>;

class WorkerRegistry {
 public:
  // Each added worker gets a CircuitBreaker built from `breaker_options`.
  // REQUIRES: `clock` outlives the registry and its workers.
  // `default_api_key` (--api-key) is the key of every worker added without one of its own, so
  // health checks, model discovery, proxying and cache flushes all send the same credential.
  // `allow_link_local` (--allow-link-local-workers) lets workers point at link-local and cloud
  // metadata addresses (worker_target.h), refused otherwise.
  WorkerRegistry(CircuitBreakerOptions breaker_options, const Clock& clock,
                 crypto::Secret default_api_key = {}, bool allow_link_local = false);

  // Normalizes and validates spec.url ("invalid_worker_url"; a link-local or metadata host
  // "worker_target_refused"); a URL already present fails with
  // Code::kAlreadyExists, reason "WORKER_ALREADY_EXISTS". The new worker starts pending.
  Result<std::shared_ptr<Worker>> add(WorkerSpec spec);
  // add() under a given id: a worker another replica added (SharedWorkers). A taken id is
  // kAlreadyExists "WORKER_ALREADY_EXISTS" too. REQUIRES: is_uuid(id).
  Result<std::shared_ptr<Worker>> add_with_id(std::string id, WorkerSpec spec);
  // nullptr when unknown.
  std::shared_ptr<Worker> get(const std::string& id) const;
  // Workers in insertion order; with a model, only those that serve it.
  WorkerList list(const std::string& model = "") const;
  // The current workers for routing; cheap (one shared_ptr copy).
  std::shared_ptr<const WorkerList> snapshot() const;
  // PUT/PATCH semantics of apply_worker_update(); unknown id → kNotFound "WORKER_NOT_FOUND".
  Result<std::shared_ptr<Worker>> update(const std::string& id, const nlohmann::json& body,
                                         UpdateMode mode);
  // Marks the worker draining and removes it; returns it. Unknown id → "WORKER_NOT_FOUND".
  Result<std::shared_ptr<Worker>> remove(const std::string& id);
  std::size_t size() const;
  // {"total": n, "healthy": n, "by_status": {"pending": n, "ready": n, ...}}
  nlohmann::json stats() const;

 private:
  // REQUIRES: mutex_ held exclusively.
  void publish_locked();

  const CircuitBreakerOptions breaker_options_;
  const Clock& clock_;
  const crypto::Secret default_api_key_;
  const bool allow_link_local_;
  mutable std::shared_mutex mutex_;
  WorkerList workers_;  // insertion order
  std::unordered_map<std::string, std::shared_ptr<Worker>> by_id_;
  std::shared_ptr<const WorkerList> snapshot_;
};

Status worker_not_found(const std::string& id);

}  // namespace smg::workers
