#include "server/discovery/discovery_service.h"

#include "common/log/logger.h"
#include "common/thread/thread_name.h"
#include "server/discovery/kube_client.h"

namespace smg::discovery {
namespace {

const metrics::Labels kSource = {{"source", "kubernetes"}};

WatcherOptions watcher_options(const DiscoveryConfig& config) {
  return {.backoff_initial = config.backoff_initial, .backoff_max = config.backoff_max};
}

// "kube_connect_failed" → "connect_failed": the API's failures are a closed set of reasons.
std::string reason_label(const std::string& reason) {
  return reason.rfind("kube_", 0) == 0 ? reason.substr(5) : reason;
}

}  // namespace

Result<std::unique_ptr<DiscoveryService>> DiscoveryService::create(
    const DiscoveryConfig& config, workers::WorkerRegistry& registry, metrics::Registry& metrics,
    OnWorkerAdded on_added) {
  if (Status valid = validate_discovery_config(config); !valid.ok()) return valid;
  auto connection = resolve_kube_connection(config.kubeconfig);
  if (!connection.ok()) return connection.status();
  PodQuery query{.namespace_name = config.namespace_name,
                 .selector = config.selector,
                 .page_size = config.list_page_size,
                 .request_timeout = config.request_timeout,
                 .watch_timeout = config.watch_timeout};
  log::info("smg::discovery", "Kubernetes service discovery configured",
            {{"api", connection->server},
             {"credentials", connection->source},
             {"namespace", config.namespace_name.empty() ? "(all)" : config.namespace_name},
             {"selector", selector_query(config.selector)},
             {"port", std::to_string(config.port)}});
  auto api = std::make_unique<KubeClient>(std::move(*connection), std::move(query));
  return std::make_unique<DiscoveryService>(config, std::move(api), registry, metrics,
                                            std::move(on_added));
}

DiscoveryService::DiscoveryService(const DiscoveryConfig& config, std::unique_ptr<PodApi> api,
                                   workers::WorkerRegistry& registry, metrics::Registry& metrics,
                                   OnWorkerAdded on_added)
    : config_(config),
      api_(std::move(api)),
      reconciler_(registry, std::move(on_added)),
      watcher_(*api_, watcher_options(config), *this),
      metrics_(metrics),
      discovered_(metrics.gauge("smg_discovery_workers_discovered",
                                "Workers discovered from Kubernetes pods", kSource)),
      registrations_(metrics.counter("smg_discovery_registrations_total",
                                     "Workers added by service discovery", kSource)),
      deregistrations_(metrics.counter("smg_discovery_deregistrations_total",
                                       "Workers drained and removed by service discovery",
                                       kSource)),
      sync_duration_(metrics.histogram("smg_discovery_sync_duration_seconds",
                                       "Time to reconcile the registry with the pods", kSource,
                                       metrics::latency_buckets())),
      api_reachable_(metrics.gauge("smg_discovery_api_reachable",
                                   "Whether the last Kubernetes API call succeeded", kSource)),
      relists_(metrics.counter("smg_discovery_relists_total",
                               "Full LISTs after the first (410 Gone, a malformed event)",
                               kSource)) {}

DiscoveryService::~DiscoveryService() { stop(); }

void DiscoveryService::start() {
  {
    std::lock_guard<std::mutex> guard(resync_mutex_);
    if (started_ || stopping_) return;
    started_ = true;
    resync_thread_ = std::thread([this] {
      set_thread_name("smg-disc-resync");
      run_resync();
    });
  }
  watcher_.start();
}

void DiscoveryService::stop() {
  {
    std::lock_guard<std::mutex> guard(resync_mutex_);
    stopping_ = true;
  }
  resync_cv_.notify_all();
  watcher_.stop();
  if (resync_thread_.joinable()) resync_thread_.join();
}

void DiscoveryService::run_resync() {
  std::unique_lock<std::mutex> lock(resync_mutex_);
  while (!stopping_) {
    if (resync_cv_.wait_for(lock, config_.resync_interval, [this] { return stopping_; })) return;
    lock.unlock();
    resync_now();
    lock.lock();
  }
}

void DiscoveryService::resync_now() {
  if (!watcher_.synced()) return;
  std::lock_guard<std::mutex> guard(pass_mutex_);
  reconcile_locked(watcher_.pods());
}

// The watcher calls this right after changing its store and changes it again only after this
// returns, so `pods` is the store as it is now.
void DiscoveryService::on_pods(const std::vector<Pod>& pods) {
  std::lock_guard<std::mutex> guard(pass_mutex_);
  reconcile_locked(pods);
}

void DiscoveryService::reconcile_locked(const std::vector<Pod>& pods) {
  auto started = std::chrono::steady_clock::now();
  ReconcileCounts counts =
      reconciler_.reconcile(desired_workers(pods, config_.selector, config_.port));
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  sync_duration_.observe(took.count());
  registrations_.inc(counts.added);
  deregistrations_.inc(counts.removed);
  discovered_.set(static_cast<int64_t>(counts.discovered));
}

void DiscoveryService::on_api_ok() {
  api_reachable_.set(1);
  int before = reachable_state_.exchange(1);
  if (before == 0) {
    log::info("smg::discovery", "Kubernetes API reachable again");
  }
}

void DiscoveryService::on_api_error(const Status& status, std::chrono::milliseconds retry_in) {
  api_errors_.fetch_add(1);
  api_reachable_.set(0);
  metrics_
      .counter("smg_discovery_api_errors_total", "Failed Kubernetes API calls, by reason",
               {{"source", "kubernetes"}, {"reason", reason_label(status.reason())}})
      .inc();
  int before = reachable_state_.exchange(0);
  log::Fields fields = {{"reason", status.reason()},
                        {"error", status.message()},
                        {"retry_in_ms", std::to_string(retry_in.count())},
                        {"workers_kept", std::to_string(discovered_.value())}};
  if (before != 0) {
    log::warn("smg::discovery",
              "Kubernetes API call failed; serving the workers already known and retrying", fields);
  } else {
    log::debug("smg::discovery", "Kubernetes API still failing", fields);
  }
}

void DiscoveryService::on_relist(const std::string& why) {
  relists_.inc();
  log::info("smg::discovery", "listing pods again", {{"why", why}});
}

DiscoveryStats DiscoveryService::stats() const {
  return {.registrations = registrations_.value(),
          .deregistrations = deregistrations_.value(),
          .discovered = discovered_.value(),
          .api_errors = api_errors_.load(),
          .relists = relists_.value(),
          .api_reachable = reachable_state_.load() == 1,
          .synced = watcher_.synced()};
}

}  // namespace smg::discovery
