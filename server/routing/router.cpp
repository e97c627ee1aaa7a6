#include "server/routing/router.h"

#include <algorithm>
#include <set>

namespace smg::routing {

WorkerLease::WorkerLease(std::shared_ptr<Worker> worker) : worker_(std::move(worker)) {
  worker_->add_load(1);
}

WorkerLease::~WorkerLease() { finish(); }

WorkerLease::WorkerLease(WorkerLease&& other) noexcept
    : worker_(std::move(other.worker_)), recorded_(other.recorded_) {}

WorkerLease& WorkerLease::operator=(WorkerLease&& other) noexcept {
  if (this != &other) {
    finish();
    worker_ = std::move(other.worker_);
    recorded_ = other.recorded_;
  }
  return *this;
}

void WorkerLease::finish() {
  if (!worker_) {
    return;
  }
  if (!recorded_) {
    worker_->breaker().release();  // a half-open trial slot must not leak with the request
  }
  worker_->add_load(-1);
  worker_.reset();
}

void WorkerLease::record_success() {
  if (worker_ && !recorded_) {
    recorded_ = true;
    worker_->breaker().record_success();
  }
}

void WorkerLease::record_failure() {
  if (worker_ && !recorded_) {
    recorded_ = true;
    worker_->breaker().record_failure();
  }
}

Router::Router(const workers::WorkerRegistry& registry, std::shared_ptr<Policy> policy)
    : registry_(registry), policy_(std::move(policy)) {}

Result<WorkerLease> Router::pick(const std::string& model, const RoutingKey& key) {
  auto snapshot = registry_.snapshot();
  WorkerCandidates serving;
  std::copy_if(snapshot->begin(), snapshot->end(), std::back_inserter(serving),
               [&](const auto& worker) { return worker->serves(model); });
  // With no worker at all (or only draining ones) nothing is "unknown": the gateway is empty.
  bool any_worker = std::any_of(snapshot->begin(), snapshot->end(), [](const auto& worker) {
    return worker->status() != workers::WorkerStatus::kDraining;
  });
  if (serving.empty() && !model.empty() && any_worker) {
    return not_found("model_not_found", "The model '" + model + "' does not exist");
  }
  WorkerCandidates candidates;
  std::copy_if(serving.begin(), serving.end(), std::back_inserter(candidates),
               [](const auto& worker) { return worker->routable(); });
  // A breaker can close its last half-open slot between routable() and try_acquire(); drop that
  // worker and choose again rather than fail the request.
  while (!candidates.empty()) {
    std::shared_ptr<Worker> chosen = policy_->select(candidates, key);
    if (chosen && chosen->breaker().try_acquire()) {
      return WorkerLease(std::move(chosen));
    }
    std::erase(candidates, chosen);
    if (!chosen) {
      break;
    }
  }
  return unavailable("no_available_workers",
                     model.empty() ? "No available workers"
                                   : "No available workers for model '" + model + "'");
}

std::vector<std::string> Router::models() const {
  std::set<std::string> ids;
  auto snapshot = registry_.snapshot();  // held: the loop must not outlive its snapshot
  for (const auto& worker : *snapshot) {
    if (worker->status() != workers::WorkerStatus::kDraining) {
      auto worker_ids = worker->model_ids();
      ids.insert(worker_ids.begin(), worker_ids.end());
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace smg::routing
