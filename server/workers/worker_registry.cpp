#include "server/workers/worker_registry.h"

#include <algorithm>
#include <mutex>

#include "server/workers/worker_target.h"

namespace smg::workers {

Status worker_not_found(const std::string& id) {
  return not_found("WORKER_NOT_FOUND", "Worker " + id + " not found");
}

WorkerRegistry::WorkerRegistry(CircuitBreakerOptions breaker_options, const Clock& clock,
                               crypto::Secret default_api_key, bool allow_link_local)
    : breaker_options_(breaker_options),
      clock_(clock),
      default_api_key_(std::move(default_api_key)),
      allow_link_local_(allow_link_local),
      snapshot_(std::make_shared<const WorkerList>()) {}

void WorkerRegistry::publish_locked() {
  snapshot_ = std::make_shared<const WorkerList>(workers_);
}

Result<std::shared_ptr<Worker>> WorkerRegistry::add(WorkerSpec spec) {
  return add_with_id(new_worker_id(), std::move(spec));
}

Result<std::shared_ptr<Worker>> WorkerRegistry::add_with_id(std::string id, WorkerSpec spec) {
  auto url = normalize_worker_url(spec.url);
  if (!url.ok()) {
    return url.status();
  }
  spec.url = std::move(*url);
  if (Status target = check_worker_target(spec.url, allow_link_local_); !target.ok()) return target;
  if (spec.api_key.empty()) spec.api_key = default_api_key_;
  std::unique_lock lock(mutex_);
  for (const auto& existing : workers_) {
    if (existing->url() == spec.url) {
      return Status(Code::kAlreadyExists, "WORKER_ALREADY_EXISTS",
                    "Worker with URL " + spec.url + " already exists");
    }
  }
  if (by_id_.count(id) != 0) {
    return Status(Code::kAlreadyExists, "WORKER_ALREADY_EXISTS", "Worker " + id + " already exists");
  }
  auto worker = std::make_shared<Worker>(std::move(id), std::move(spec), breaker_options_, clock_);
  workers_.push_back(worker);
  by_id_.emplace(worker->id(), worker);
  publish_locked();
  return worker;
}

std::shared_ptr<Worker> WorkerRegistry::get(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

WorkerList WorkerRegistry::list(const std::string& model) const {
  auto current = snapshot();
  WorkerList out;
  std::copy_if(current->begin(), current->end(), std::back_inserter(out),
               [&](const auto& worker) { return model.empty() || worker->serves(model); });
  return out;
}

std::shared_ptr<const WorkerList> WorkerRegistry::snapshot() const {
  std::shared_lock lock(mutex_);
  return snapshot_;
}

Result<std::shared_ptr<Worker>> WorkerRegistry::update(const std::string& id,
                                                       const nlohmann::json& body,
                                                       UpdateMode mode) {
  // Exclusive so two concurrent PATCHes cannot both start from the same old spec.
  std::unique_lock lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return worker_not_found(id);
  }
  auto next = apply_worker_update(it->second->spec(), body, mode);
  if (!next.ok()) {
    return next.status();
  }
  it->second->set_spec(std::move(*next));
  return it->second;
}

Result<std::shared_ptr<Worker>> WorkerRegistry::remove(const std::string& id) {
  std::unique_lock lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return worker_not_found(id);
  }
  std::shared_ptr<Worker> worker = it->second;
  worker->set_status(WorkerStatus::kDraining);
  by_id_.erase(it);
  workers_.erase(std::find(workers_.begin(), workers_.end(), worker));
  publish_locked();
  return worker;
}

std::size_t WorkerRegistry::size() const {
  return snapshot()->size();
}

nlohmann::json WorkerRegistry::stats() const {
  auto current = snapshot();
  nlohmann::json by_status = nlohmann::json::object();
  for (auto status : {WorkerStatus::kPending, WorkerStatus::kReady, WorkerStatus::kNotReady,
                      WorkerStatus::kFailed, WorkerStatus::kDraining}) {
    by_status[worker_status_name(status)] = 0;
  }
  int healthy = 0;
  for (const auto& worker : *current) {
    by_status[worker_status_name(worker->status())] =
        by_status[worker_status_name(worker->status())].get<int>() + 1;
    healthy += worker->is_healthy() ? 1 : 0;
  }
  return {{"total", current->size()}, {"healthy", healthy}, {"by_status", by_status}};
}

}  // namespace smg::workers
