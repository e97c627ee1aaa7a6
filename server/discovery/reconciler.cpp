#include "server/discovery/reconciler.h"

#include <set>

#include "common/log/logger.h"

namespace smg::discovery {

std::string discovered_pod_uid(const workers::Worker& worker) {
  auto spec = worker.spec();
  auto it = spec.labels.find(kPodUidLabel);
  return it == spec.labels.end() ? std::string() : it->second;
}

Reconciler::Reconciler(workers::WorkerRegistry& registry, OnWorkerAdded on_added)
    : registry_(registry), on_added_(std::move(on_added)) {}

ReconcileCounts Reconciler::reconcile(const std::map<std::string, DesiredWorker>& desired) {
  std::lock_guard<std::mutex> guard(mutex_);
  ReconcileCounts counts;
  std::set<std::string> kept_urls;
  auto snapshot = registry_.snapshot();  // held: a remove publishes a new one
  for (const auto& worker : *snapshot) {
    std::string uid = discovered_pod_uid(*worker);
    if (uid.empty()) continue;
    auto wanted = desired.find(worker->url());
    if (wanted != desired.end() && wanted->second.pod_uid == uid) {
      kept_urls.insert(worker->url());
      continue;
    }
    // Removed by someone else meanwhile (DELETE /workers): nothing to drain.
    if (!registry_.remove(worker->id()).ok()) continue;
    ++counts.removed;
    log::info("smg::discovery", "worker removed",
              {{"url", worker->url()},
               {"pod_uid", uid},
               {"why", wanted == desired.end() ? "pod gone or not ready" : "pod replaced"}});
  }
  for (const auto& [url, wanted] : desired) {
    if (kept_urls.count(url) != 0) continue;
    if (add(wanted, counts)) kept_urls.insert(url);
  }
  counts.discovered = kept_urls.size();
  return counts;
}

bool Reconciler::add(const DesiredWorker& wanted, ReconcileCounts& counts) {
  workers::WorkerSpec spec;
  spec.url = wanted.url;
  spec.labels[kPodUidLabel] = wanted.pod_uid;
  spec.labels[kPodNameLabel] = wanted.pod_name;
  auto added = registry_.add(std::move(spec));
  if (!added.ok()) {
    if (added.status().code() == Code::kAlreadyExists) {
      ++counts.conflicts;
      log::debug("smg::discovery", "URL already held by a hand-added worker",
                 {{"url", wanted.url}});
    } else {
      ++counts.failed;
      log::warn("smg::discovery", "worker not added",
                {{"url", wanted.url}, {"reason", added.status().reason()}});
    }
    return false;
  }
  ++counts.added;
  log::info("smg::discovery", "worker added",
            {{"url", wanted.url}, {"pod", wanted.pod_name}, {"id", (*added)->id()}});
  if (on_added_) on_added_(*added);
  return true;
}

}  // namespace smg::discovery
