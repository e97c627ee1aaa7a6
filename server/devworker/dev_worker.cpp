#include "server/devworker/dev_worker.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "server/devworker/dev_routes.h"
#include "server/http/listener.h"

namespace smg::devworker {
namespace {

server::ListenerOptions engine_options(const DevWorkerOptions& options) {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  server::ListenerOptions engine;
  engine.host = options.host;
  engine.port = options.port;
  engine.listen_backlog = options.listen_backlog;
  engine.serving_threads = std::clamp<std::size_t>(2 * cores, 2, 32);
  engine.max_threads = std::max<std::size_t>(options.max_threads, engine.serving_threads);
  engine.keep_alive_timeout = std::chrono::seconds(5);
  return engine;
}

}  // namespace

DevWorker::DevWorker(DevWorkerOptions options) : options_(std::move(options)) {}

DevWorker::~DevWorker() { stop(); }

Status DevWorker::validate() const {
  if (options_.models.empty()) {
    return Status(Code::kInvalidArgument, "dev_worker_invalid_options", "at least one model id");
  }
  if (options_.port < 0 || options_.port > 65535 || options_.stream_chunk_delay_ms < 0) {
    return Status(Code::kInvalidArgument, "dev_worker_invalid_options",
                  "port must be in [0, 65535] and the chunk delay >= 0");
  }
  return Status::ok_status();
}

Result<int> DevWorker::start() {
  if (server_ || stopping_) {
    return Status(Code::kFailedPrecondition, "dev_worker_already_started",
                  "a dev worker starts once");
  }
  if (Status status = validate(); !status.ok()) {
    return status;
  }
  auto io = std::make_unique<server::IoRuntime>(0);
  auto routes = std::make_unique<DevRoutes>(options_, stats_, stopping_, io->context());
  auto engine = std::make_unique<server::Listener>(
      engine_options(options_),
      [routes = routes.get()](server::Request& request) { return routes->handle(request); },
      server::HeadScreen{}, io.get());
  auto port = engine->bind();
  if (!port.ok()) {
    return port.status();  // "cannot listen on HOST:PORT: Address already in use"
  }
  io_ = std::move(io);
  server_ = std::move(engine);
  routes_ = std::move(routes);
  port_ = *port;
  serve_thread_ = std::thread([server = server_.get()] { server->serve(); });
  return *port;
}

void DevWorker::stop() {
  if (!server_) {
    return;
  }
  stopping_ = true;  // open streams and delayed answers end
  server_->stop();
  if (serve_thread_.joinable()) {
    serve_thread_.join();  // serve() returns after every request in progress ended
  }
  server_.reset();
  routes_.reset();
  io_.reset();
}

}  // namespace smg::devworker
