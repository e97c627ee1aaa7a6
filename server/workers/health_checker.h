// HealthChecker: a background thread that probes every registered worker and moves its status.
//
// Each pass GETs `{url}{endpoint}` (with the worker's api_key as a Bearer token when set); a 2xx
// answer is a success; a failure's reason (the transport's plain message, or "HTTP 503 from
// /health") becomes the worker's last_error until a check passes. Transitions:
//   pending   → ready      on the first success (then, not after success_threshold)
//   pending   → failed     after failure_threshold consecutive failures (never came up)
//   ready     → not_ready  after failure_threshold consecutive failures
//   not_ready/failed → ready after success_threshold consecutive successes
// A healthy worker whose spec names no models gets them from `{url}/v1/models` (OpenAI shape).
// Checks in a pass run on up to `max_parallel` threads, so a hung worker costs one thread for at
// most `timeout`, not the whole pass. Draining workers are never touched.
// Thread-safety: start/stop/wake/check_now may be called from any thread; stop() joins promptly.
//
//   smg::workers::HealthChecker checker(registry, *client, {.interval = std::chrono::seconds(10)});
//   checker.start();
//   checker.wake();    // e.g. after POST /workers, so a new worker need not wait a full interval
//   checker.stop();
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/http/http_client.h"
#include "server/workers/worker_registry.h"

namespace smg::workers {

struct HealthCheckOptions {
  std::chrono::seconds interval{10};    // --health-check-interval-secs (SMG defaults to 60)
  std::chrono::seconds timeout{5};      // --health-check-timeout-secs: per probe
  int failure_threshold = 3;            // --health-failure-threshold: failures before not_ready
  int success_threshold = 2;            // --health-success-threshold: successes back to ready
  std::string endpoint = "/health";     // --health-check-endpoint
  int max_parallel = 8;                 // probes in flight at once within one pass
};

class HealthChecker {
 public:
  // REQUIRES: `registry` and `client` outlive the checker.
  HealthChecker(WorkerRegistry& registry, const http::HttpClient& client,
                HealthCheckOptions options);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Starts the background thread; the first pass runs at once. Idempotent.
  void start();
  // Wakes the thread and joins it. Idempotent.
  void stop();
  // Runs the next pass now instead of at the end of the interval.
  void wake();
  // One pass over all workers on the calling thread's behalf (blocks until done).
  void check_now();
  // Probes one worker and applies the transition.
  void check_worker(Worker& worker);

 private:
  void run();
  // Empty when the worker passed; else why not, in plain words ("connection refused").
  std::string probe(const Worker& worker, const WorkerSpec& spec) const;
  void discover_models(Worker& worker, const WorkerSpec& spec) const;
  void on_success(Worker& worker, const WorkerSpec& spec);
  void on_failure(Worker& worker, std::string reason);

  WorkerRegistry& registry_;
  const http::HttpClient& client_;
  const HealthCheckOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace smg::workers
