// The dev worker's routes, as the Handler of its Listener: OpenAI data plane (chat, completions,
// embeddings, models), SGLang extras (/generate, /get_model_info, /get_server_info, /get_load,
// /flush_cache), /health and /dev/stats, plus the x-dev-* test hooks documented in dev_worker.h.
// An unknown method and path is 404 not_found_error.
// Thread-safety: handle() runs concurrently on the listener's pool threads; DevRoutes itself is
// immutable after construction except for its atomic id counter.
//
//   DevRoutes routes(options, stats, stopping);
//   server::Listener listener(engine_options, [&](server::Request& r) { return routes.handle(r); });
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/devworker/dev_stats.h"
#include "server/devworker/dev_worker_options.h"
#include "server/devworker/openai_api.h"
#include "server/http/exchange.h"

namespace smg::devworker {

// What the x-dev-* request headers ask for.
struct TestHooks {
  std::optional<std::chrono::milliseconds> delay;  // x-dev-delay-ms
  std::optional<int> status;                       // x-dev-status
  std::optional<std::size_t> chunks;               // x-dev-chunks
};

class DevRoutes {
 public:
  // `io`: the I/O threads whose timers pace the streams.
  DevRoutes(const DevWorkerOptions& options, DevStats& stats, const std::atomic<bool>& stopping,
            boost::asio::io_context& io);
  server::Response handle(server::Request& request);

 private:
  using Request = server::Request;
  using Response = server::Response;
  using Handler = std::function<Response(Request&)>;
  using DataHandler =
      std::function<Response(const Request&, const TestHooks&, std::shared_ptr<void> in_flight)>;
  struct Route {
    std::string method;
    std::string path;  // exact, or a prefix when it ends in '/' and `prefix` is set
    Handler handler;
    bool prefix = false;
  };
  void add(std::string method, std::string path, Handler handler, bool prefix = false);
  void install_routes();
  void install_control_routes();
  Handler data_plane(DataHandler handler);
  Handler control(std::function<Response(const Request&)> handler);
  bool authorized(const Request& req) const;
  bool serves(const std::string& model) const;
  ResponseIds next_ids(const char* prefix);
  std::chrono::milliseconds stream_delay(const TestHooks& hooks) const;
  void pause(const TestHooks& hooks) const;

  Response chat(const Request&, const TestHooks&, std::shared_ptr<void>);
  Response completions(const Request&, const TestHooks&, std::shared_ptr<void>);
  Response embed(const Request&, const TestHooks&, std::shared_ptr<void>);
  Response generate(const Request&, const TestHooks&, std::shared_ptr<void>);
  Response models() const;
  Response model(const std::string& id) const;
  Response server_info() const;

  const DevWorkerOptions& options_;
  DevStats& stats_;
  const std::atomic<bool>& stopping_;
  boost::asio::io_context& io_;
  std::atomic<std::uint64_t> next_id_{0};
  const std::int64_t started_at_;
  std::vector<Route> routes_;  // filled by the constructor, read-only after
};

}  // namespace smg::devworker
