// DiscoveryService: Kubernetes service discovery for the gateway. Pods matching
// the selector that are Ready and Running become workers `http://<podIP>:<port>` in the
// WorkerRegistry; pods that are deleted, terminating, not ready or deselected are drained and
// removed. Only workers labelled `smg.ai/pod-uid` are touched.
//
// A PodWatcher (its own thread, "smg-discovery") LISTs and WATCHes; every change is reconciled at
// once, and a second thread ("smg-disc-resync") reconciles the last known pods every 60 s
// without calling the API (a worker deleted by hand comes back; a failed add is retried).
// The API unreachable at start-up is not fatal: the gateway serves the workers it has, the
// watcher retries with back-off, and the outage shows in the log (once per outage, at warn) and
// in the metrics below (all with source="kubernetes", as SMG):
//   smg_discovery_workers_discovered (gauge), smg_discovery_registrations_total,
//   smg_discovery_deregistrations_total, smg_discovery_sync_duration_seconds (histogram),
//   smg_discovery_api_reachable (gauge 1/0), smg_discovery_api_errors_total{reason},
//   smg_discovery_relists_total.
// Thread-safety: start/stop and the accessors may be called from any thread.
//
//   auto discovery = DiscoveryService::create(config, registry, metrics,
//                                             [&](const auto&) { health.wake(); });
//   if (!discovery.ok()) return discovery.status();   // e.g. no cluster and no kubeconfig
//   (*discovery)->start();       // after the registry holds the --worker-urls workers
//   ...
//   (*discovery)->stop();        // before the registry and the health checker go
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/discovery/discovery_config.h"
#include "server/discovery/pod_api.h"
#include "server/discovery/pod_watcher.h"
#include "server/discovery/reconciler.h"
#include "server/metrics/metrics.h"
#include "server/workers/worker_registry.h"

namespace smg::discovery {

struct DiscoveryStats {
  uint64_t registrations = 0;
  uint64_t deregistrations = 0;
  int64_t discovered = 0;  // discovered workers in the registry after the last pass
  uint64_t api_errors = 0;
  uint64_t relists = 0;
  bool api_reachable = false;
  bool synced = false;  // a LIST has completed
};

class DiscoveryService final : private PodWatcherListener {
 public:
  // Resolves the API connection (config.kubeconfig, $KUBECONFIG, else the service account) and
  // builds the client. Fails with reason "config_invalid" (validate_discovery_config) or
  // "kube_config_invalid" (no cluster, an unreadable kubeconfig): config errors, exit 2.
  // REQUIRES: `registry` and `metrics` outlive the service.
  static Result<std::unique_ptr<DiscoveryService>> create(const DiscoveryConfig& config,
                                                          workers::WorkerRegistry& registry,
                                                          metrics::Registry& metrics,
                                                          OnWorkerAdded on_added = {});
  // With any PodApi (tests inject a fake).
  DiscoveryService(const DiscoveryConfig& config, std::unique_ptr<PodApi> api,
                   workers::WorkerRegistry& registry, metrics::Registry& metrics,
                   OnWorkerAdded on_added = {});
  ~DiscoveryService() override;
  DiscoveryService(const DiscoveryService&) = delete;
  DiscoveryService& operator=(const DiscoveryService&) = delete;

  void start();  // returns at once; idempotent
  void stop();   // joins both threads (about a second at most); idempotent; workers stay
  // Reconciles the last known pods now (what the 60 s timer does); no-op before the first LIST.
  void resync_now();
  DiscoveryStats stats() const;

 private:
  void on_pods(const std::vector<Pod>& pods) override;
  void on_api_ok() override;
  void on_api_error(const Status& status, std::chrono::milliseconds retry_in) override;
  void on_relist(const std::string& why) override;
  void run_resync();
  void reconcile_locked(const std::vector<Pod>& pods);

  const DiscoveryConfig config_;
  std::unique_ptr<PodApi> api_;
  Reconciler reconciler_;
  PodWatcher watcher_;
  metrics::Registry& metrics_;
  metrics::Gauge& discovered_;
  metrics::Counter& registrations_;
  metrics::Counter& deregistrations_;
  metrics::Histogram& sync_duration_;
  metrics::Gauge& api_reachable_;
  metrics::Counter& relists_;
  std::atomic<uint64_t> api_errors_{0};
  std::atomic<int> reachable_state_{-1};  // -1 not yet known, 0 down, 1 up

  // One pass at a time, and the resync reads the store inside it: otherwise a resync holding an
  // older copy of the pods could re-add a worker the watcher had just removed.
  std::mutex pass_mutex_;
  std::mutex resync_mutex_;
  std::condition_variable resync_cv_;
  bool stopping_ = false;
  bool started_ = false;
  std::thread resync_thread_;
};

}  // namespace smg::discovery
