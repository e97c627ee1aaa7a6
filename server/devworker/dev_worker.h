// DevWorker: a built-in OpenAI-compatible inference worker for trying smg and for tests.
// Deterministic echo model: a chat reply is "echo: " + the last user message; usage counts
// whitespace-separated tokens; embeddings are unit vectors (dimension 16) derived from SHA-256
// of each input; streams send one SSE event per reply word. It runs on the gateway's engine (a
// server::Listener: idle keep-alive connections cost no thread; a stream or a delayed answer holds
// a blocking-pool thread), so it serves hundreds of concurrent slow streams (up to max_threads)
// while /health stays fast.
//
// Routes: GET /health, /v1/models, /get_model_info, /get_server_info, /get_load, /dev/stats;
// POST /v1/chat/completions, /v1/completions, /v1/embeddings, /generate, /flush_cache.
// With api_key set, every route but /health and /dev/stats needs `Authorization: Bearer <key>`
// (else 401 JSON). Bad JSON or fields → 400 {"error":{"type":"invalid_request_error",...}};
// an unknown model → 404 code "model_not_found".
//
// Test hooks, request headers on the data-plane routes:
//   x-dev-delay-ms: N   non-stream: sleep N ms before answering; stream: N ms between events
//   x-dev-status: S     answer HTTP S with an OpenAI error body (after any x-dev-delay-ms)
//   x-dev-chunks: N     the reply has exactly N words (cycling the echo), so a stream has N
//                       content events: long streams on demand; max_tokens still caps it
// GET /dev/stats → {"requests","total_requests","in_flight","active_streams","peak_streams",
// "streams_completed","streams_aborted","last_authorization","last_headers"}: "requests" and
// "last_*" cover the data plane (the inference routes and /v1/models), not health or load polls.
// A stream whose client disconnects is counted as aborted within ~50 ms.
//
// Thread-safety: start()/stop() from one owning thread; port() and stats() from any thread.
//
//   smg::devworker::DevWorkerOptions options;
//   options.api_key = "k";
//   smg::devworker::DevWorker worker(options);
//   auto port = worker.start();            // Result<int>; serves on a background thread
//   if (!port.ok()) { std::cerr << port.status().message(); }
//   ... http://127.0.0.1:<*port>/v1/chat/completions ...
//   worker.stop();                         // also done by the destructor
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "common/status.h"
#include "server/devworker/dev_stats.h"
#include "server/devworker/dev_worker_options.h"
#include "server/http/io_runtime.h"

namespace smg::server {
class Listener;
}  // namespace smg::server

namespace smg::devworker {

class DevRoutes;

class DevWorker {
 public:
  explicit DevWorker(DevWorkerOptions options = {});
  ~DevWorker();
  DevWorker(const DevWorker&) = delete;
  DevWorker& operator=(const DevWorker&) = delete;

  // Binds and starts serving; a DevWorker starts at most once. Fails with reason
  // "dev_worker_bind_failed" (port in use, bad host), "dev_worker_invalid_options" or
  // "dev_worker_already_started".
  Result<int> start();
  // Closes the listener, ends open streams (counted as aborted) and joins every thread.
  // Idempotent.
  void stop();

  int port() const { return port_; }  // 0 until start() succeeded
  DevWorkerStats stats() const { return stats_.snapshot(); }
  const DevWorkerOptions& options() const { return options_; }

 private:
  Status validate() const;

  const DevWorkerOptions options_;
  DevStats stats_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<server::IoRuntime> io_;  // before the routes and the listener that use it
  std::unique_ptr<DevRoutes> routes_;
  std::unique_ptr<server::Listener> server_;
  std::thread serve_thread_;
  std::atomic<int> port_{0};
};

}  // namespace smg::devworker
