// The dev worker's routes on an httplib::Server: OpenAI data plane (chat, completions,
// embeddings, models), SGLang extras (/generate, /get_model_info, /get_server_info, /get_load,
// /flush_cache), /health and /dev/stats, plus the x-dev-* test hooks documented in dev_worker.h.
// Thread-safety: handlers run concurrently on httplib's threads; DevRoutes itself is immutable
// after install() except for its atomic id counter.
//
//   DevRoutes routes(options, stats, stopping);
//   routes.install(server);   // `routes` must outlive the server's listen()
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/devworker/dev_stats.h"
#include "server/devworker/dev_worker_options.h"
#include "server/devworker/openai_api.h"

namespace smg::devworker {

// What the x-dev-* request headers ask for.
struct TestHooks {
  std::optional<std::chrono::milliseconds> delay;  // x-dev-delay-ms
  std::optional<int> status;                       // x-dev-status
  std::optional<std::size_t> chunks;               // x-dev-chunks
};

class DevRoutes {
 public:
  DevRoutes(const DevWorkerOptions& options, DevStats& stats, const std::atomic<bool>& stopping);
  void install(httplib::Server& server);

 private:
  using DataHandler = std::function<void(const httplib::Request&, httplib::Response&,
                                         const TestHooks&, std::shared_ptr<void> in_flight)>;
  void install_control_routes(httplib::Server& server);
  void install_error_handlers(httplib::Server& server);
  httplib::Server::Handler data_plane(DataHandler handler);
  httplib::Server::Handler control(httplib::Server::Handler handler);
  bool authorized(const httplib::Request& req) const;
  bool serves(const std::string& model) const;
  ResponseIds next_ids(const char* prefix);
  std::chrono::milliseconds stream_delay(const TestHooks& hooks) const;
  void pause(const TestHooks& hooks) const;

  void chat(const httplib::Request&, httplib::Response&, const TestHooks&, std::shared_ptr<void>);
  void completions(const httplib::Request&, httplib::Response&, const TestHooks&,
                   std::shared_ptr<void>);
  void embed(const httplib::Request&, httplib::Response&, const TestHooks&, std::shared_ptr<void>);
  void generate(const httplib::Request&, httplib::Response&, const TestHooks&,
                std::shared_ptr<void>);
  void models(httplib::Response& res) const;
  void model(const std::string& id, httplib::Response& res) const;
  void server_info(httplib::Response& res) const;

  const DevWorkerOptions& options_;
  DevStats& stats_;
  const std::atomic<bool>& stopping_;
  std::atomic<std::uint64_t> next_id_{0};
  const std::int64_t started_at_;
};

}  // namespace smg::devworker
