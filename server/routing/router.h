// Router: turns (model, routing key) into a leased worker, using the registry's snapshot and a
// Policy. A WorkerLease counts the request in the worker's load for as long as it lives and feeds
// its outcome to the worker's circuit breaker.
//
// Errors (the gateway maps them): no worker serves the model → Code::kNotFound "model_not_found"
// (404); some serve it but none is routable (not ready, or breaker open) → Code::kUnavailable
// "no_available_workers" (503).
// Thread-safety: pick() and models() may be called from many threads at once; a WorkerLease
// belongs to one request.
//
//   smg::routing::Router router(registry, *smg::routing::make_policy("round_robin"));
//   auto lease = router.pick("llama-3", {.text = prompt});
//   if (!lease.ok()) { return map_status(lease.status()); }
//   send_to(lease->worker().url());
//   ok ? lease->record_success() : lease->record_failure();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/routing/policy.h"
#include "server/workers/worker_registry.h"

namespace smg::routing {

class WorkerLease {
 public:
  // Increments the worker's load; the destructor decrements it.
  explicit WorkerLease(std::shared_ptr<Worker> worker);
  ~WorkerLease();
  WorkerLease(WorkerLease&& other) noexcept;
  WorkerLease& operator=(WorkerLease&& other) noexcept;
  WorkerLease(const WorkerLease&) = delete;
  WorkerLease& operator=(const WorkerLease&) = delete;

  Worker& worker() const { return *worker_; }
  const std::shared_ptr<Worker>& shared_worker() const { return worker_; }
  // The first outcome recorded counts; later calls are ignored.
  void record_success();
  void record_failure();

 private:
  void finish();

  std::shared_ptr<Worker> worker_;
  bool recorded_ = false;
};

class Router {
 public:
  // REQUIRES: `registry` outlives the router; policy non-null.
  Router(const workers::WorkerRegistry& registry, std::shared_ptr<Policy> policy);

  // An empty model means any worker.
  Result<WorkerLease> pick(const std::string& model, const RoutingKey& key = {});
  // Sorted, de-duplicated model ids of all registered (non-draining) workers.
  std::vector<std::string> models() const;
  const Policy& policy() const { return *policy_; }

 private:
  const workers::WorkerRegistry& registry_;
  std::shared_ptr<Policy> policy_;
};

}  // namespace smg::routing
