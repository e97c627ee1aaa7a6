#include "server/workers/health_checker.h"

#include "common/log/logger.h"
#include "common/thread/thread_name.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include <nlohmann/json.hpp>

namespace smg::workers {
namespace {

http::Request make_get(const std::string& url, const WorkerSpec& spec,
                       std::chrono::seconds timeout) {
  http::Request request;
  request.url = url;
  request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  if (!spec.api_key.empty()) {
    request.headers["Authorization"] = "Bearer " + spec.api_key.reveal();
  }
  return request;
}

std::vector<std::string> model_ids_from(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  std::vector<std::string> ids;
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
    return ids;
  }
  for (const auto& entry : doc["data"]) {
    if (entry.is_object() && entry.contains("id") && entry["id"].is_string()) {
      ids.push_back(entry["id"].get<std::string>());
    }
  }
  return ids;
}

}  // namespace

HealthChecker::HealthChecker(WorkerRegistry& registry, const http::HttpClient& client,
                             HealthCheckOptions options)
    : registry_(registry), client_(client), options_(std::move(options)) {}

HealthChecker::~HealthChecker() { stop(); }

void HealthChecker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) {
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this] {
    set_thread_name("smg-health");
    run();
  });
}

void HealthChecker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void HealthChecker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

void HealthChecker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    check_now();
    lock.lock();
    wake_cv_.wait_for(lock, options_.interval, [this] { return stopping_ || woken_; });
  }
}

void HealthChecker::check_now() {
  auto workers = registry_.snapshot();
  std::atomic<std::size_t> next{0};
  auto drain = [&] {
    for (std::size_t i = next++; i < workers->size(); i = next++) {
      check_worker(*(*workers)[i]);
    }
  };
  std::size_t threads = std::min<std::size_t>(
      workers->size(), static_cast<std::size_t>(std::max(1, options_.max_parallel)));
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) {
    pool.emplace_back(drain);
  }
  drain();  // the calling thread works too
  for (auto& thread : pool) {
    thread.join();
  }
}

void HealthChecker::check_worker(Worker& worker) {
  if (worker.status() == WorkerStatus::kDraining) {
    return;
  }
  WorkerSpec spec = worker.spec();
  std::string failure = probe(worker, spec);
  if (failure.empty()) {
    on_success(worker, spec);
  } else {
    on_failure(worker, std::move(failure));
  }
}

std::string HealthChecker::probe(const Worker& worker, const WorkerSpec& spec) const {
  auto response = client_.send(make_get(worker.url() + options_.endpoint, spec, options_.timeout));
  // The transport's messages are plain words without the URL or headers, so no key leaks here.
  if (!response.ok() && response.status().reason() == "http_timeout") {
    return "no answer within " + std::to_string(options_.timeout.count()) + "s";
  }
  if (!response.ok()) return response.status().message();
  if (response->status >= 200 && response->status < 300) return "";
  return "HTTP " + std::to_string(response->status) + " from " + options_.endpoint;
}

void HealthChecker::discover_models(Worker& worker, const WorkerSpec& spec) const {
  auto response = client_.send(make_get(worker.url() + "/v1/models", spec, options_.timeout));
  if (response.ok() && response->status >= 200 && response->status < 300) {
    auto ids = model_ids_from(response->body);
    if (!ids.empty()) {
      worker.set_discovered_models(std::move(ids));
    }
  }
}

void HealthChecker::on_success(Worker& worker, const WorkerSpec& spec) {
  int streak = worker.note_health_success();
  // Learn the models before the worker becomes routable, so its first requests match.
  if (spec.models.empty() && worker.discovered_models().empty()) {
    discover_models(worker, spec);
  }
  if (worker.transition_status(WorkerStatus::kPending, WorkerStatus::kReady)) {
    log::info("smg::workers", "worker ready", {{"worker", worker.url()}, {"id", worker.id()}});
    return;
  }
  if (streak >= options_.success_threshold &&
      (worker.transition_status(WorkerStatus::kNotReady, WorkerStatus::kReady) ||
       worker.transition_status(WorkerStatus::kFailed, WorkerStatus::kReady))) {
    log::info("smg::workers", "worker recovered", {{"worker", worker.url()}, {"id", worker.id()}});
  }
}

void HealthChecker::on_failure(Worker& worker, std::string reason) {
  int streak = worker.note_health_failure(std::move(reason));
  if (streak < options_.failure_threshold) {
    return;
  }
  if (worker.transition_status(WorkerStatus::kReady, WorkerStatus::kNotReady) ||
      worker.transition_status(WorkerStatus::kPending, WorkerStatus::kFailed)) {
    log::warn("smg::workers", "worker failed health checks",
              {{"worker", worker.url()}, {"id", worker.id()},
               {"consecutive_failures", std::to_string(streak)}});
  }
}

}  // namespace smg::workers
