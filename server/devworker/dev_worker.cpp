#include "server/devworker/dev_worker.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <utility>

#include "server/devworker/dev_routes.h"
#include "server/http/growing_thread_pool.h"

namespace smg::devworker {

// httplib::Server with access to its listening socket: 0.11.4 listens with a backlog of 5,
// far too small for hundreds of clients connecting at once, and offers no setter.
class ListeningServer : public httplib::Server {
 public:
  bool raise_backlog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
};

namespace {

Status bind_failed(const DevWorkerOptions& options) {
  return Status(Code::kUnavailable, "dev_worker_bind_failed",
                "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                    " (address in use or not available)");
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
  auto server = std::make_unique<ListeningServer>();
  const std::size_t max_threads = options_.max_threads;
  server->new_task_queue = [max_threads] {
    return new smg::server::GrowingThreadPool({.min_threads = 4, .max_threads = max_threads});
  };
  server->set_keep_alive_max_count(1000);
  server->set_tcp_nodelay(true);  // each SSE event leaves at once
  // httplib's default also sets SO_REUSEPORT, which lets a second worker bind a busy port.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto routes = std::make_unique<DevRoutes>(options_, stats_, stopping_);
  routes->install(*server);
  int port = options_.port == 0
                 ? server->bind_to_any_port(options_.host)
                 : (server->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port <= 0 || !server->raise_backlog(options_.listen_backlog)) {
    return bind_failed(options_);
  }
  server_ = std::move(server);
  routes_ = std::move(routes);
  port_ = port;
  auto returned = std::make_shared<std::atomic<bool>>(false);
  serve_thread_ = std::thread([server = server_.get(), returned] {
    server->listen_after_bind();
    *returned = true;
  });
  // httplib's stop() is a no-op until the accept loop runs: wait for it so stop() always works.
  while (!server_->is_running() && !*returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return port;
}

void DevWorker::stop() {
  if (!server_) {
    return;
  }
  stopping_ = true;
  server_->stop();
  if (serve_thread_.joinable()) {
    serve_thread_.join();  // listen_after_bind() returns after every connection thread ended
  }
  server_.reset();
  routes_.reset();
}

}  // namespace smg::devworker
