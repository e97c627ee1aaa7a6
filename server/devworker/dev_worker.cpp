#include "server/devworker/dev_worker.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "server/devworker/dev_routes.h"
#include "server/http/epoll_server.h"
#include "server/http/parsing_server.h"

namespace smg::devworker {
namespace {

server::EpollServerOptions engine_options(const DevWorkerOptions& options) {
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  server::EpollServerOptions engine;
  engine.threads.members = std::clamp<std::size_t>(2 * cores, 2, 32);
  engine.threads.max_threads = std::max<std::size_t>(options.max_threads, engine.threads.members);
  engine.keep_alive.idle_timeout = std::chrono::seconds(5);
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
  auto parser = std::make_unique<server::ParsingServer>();
  auto routes = std::make_unique<DevRoutes>(options_, stats_, stopping_);
  routes->install(*parser);
  auto engine = std::make_unique<server::EpollServer>(
      engine_options(options_),
      [parser = parser.get()](server::ConnectionStream& stream, bool close, bool& closed) {
        return parser->process(stream, close, closed);
      });
  auto port = engine->bind(options_.host, options_.port, options_.listen_backlog);
  if (!port.ok()) {
    return port.status();  // "cannot listen on HOST:PORT: Address already in use"
  }
  parser->set_listening_socket(engine->listening_socket());
  parser_ = std::move(parser);
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
  stopping_ = true;
  parser_->set_listening_socket(INVALID_SOCKET);  // open streams end
  server_->stop();
  if (serve_thread_.joinable()) {
    serve_thread_.join();  // serve() returns after every request in progress ended
  }
  server_.reset();
  parser_.reset();
  routes_.reset();
}

}  // namespace smg::devworker
