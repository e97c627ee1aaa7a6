// Reconciler: makes the registry's discovered workers match the desired set, touching only
// workers labelled `smg.ai/pod-uid` (workers added by flag or POST /workers are never changed).
//
// A discovered worker whose URL is no longer desired, or whose URL now belongs to another pod
// (a new uid), is removed: WorkerRegistry::remove marks it draining, so requests already routed
// to it finish while new ones go elsewhere. A desired URL with no worker is added with labels
// `smg.ai/pod-uid` and `smg.ai/pod-name` and starts pending until its first health check. A URL
// a hand-added worker already holds is left to that worker.
// Thread-safety: reconcile() may be called from any thread; calls are serialized.
//
//   Reconciler reconciler(registry, [&](const auto&) { health.wake(); });
//   ReconcileCounts counts = reconciler.reconcile(desired_workers(pods, selector, 80));
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/discovery/desired_workers.h"
#include "server/workers/worker_registry.h"

namespace smg::discovery {

struct ReconcileCounts {
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t failed = 0;      // adds the registry refused for another reason than a taken URL
  std::size_t conflicts = 0;   // desired URLs held by a hand-added worker
  std::size_t discovered = 0;  // discovered workers in the registry afterwards
};

using OnWorkerAdded = std::function<void(const std::shared_ptr<workers::Worker>&)>;

class Reconciler {
 public:
  // REQUIRES: `registry` outlives the reconciler. `on_added` (may be empty) runs after each add,
  // e.g. to wake the health checker so the new worker need not wait a full interval.
  explicit Reconciler(workers::WorkerRegistry& registry, OnWorkerAdded on_added = {});

  ReconcileCounts reconcile(const std::map<std::string, DesiredWorker>& desired);

 private:
  bool add(const DesiredWorker& wanted, ReconcileCounts& counts);

  workers::WorkerRegistry& registry_;
  const OnWorkerAdded on_added_;
  std::mutex mutex_;
};

// The pod uid a worker was discovered for; empty for a hand-added worker.
std::string discovered_pod_uid(const workers::Worker& worker);

}  // namespace smg::discovery
