// EpollServer: the plain-HTTP engine. Idle keep-alive connections wait in one epoll set, not in
// a thread each; a connection that becomes readable is taken by one of a few serving threads
// (serving_threads.h), which runs `process` (httplib's request parsing and routing) for the
// request, and for any further requests already buffered (pipelining), then re-arms it in epoll.
// Each connection is registered EPOLLONESHOT, so exactly one thread owns it at a time. With a TLS
// context the same holds for HTTPS: the handshake advances one step per readiness event.
// Idle connections are closed after keep_alive.idle_timeout (a timer in the same epoll set
// sweeps once a second); new connections are accepted by whichever thread sees the listening
// socket readable.
// Thread-safety: bind() and serve() from one controlling thread, stop() from any thread.
//
//   EpollServer server(options, [&](ConnectionStream& s, bool close, bool& closed) {
//     return parser.process(s, close, closed); });
//   Result<int> port = server.bind("127.0.0.1", 0, 4096);
//   std::thread t([&] { server.serve(); });   ...   server.stop(); t.join();
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>

#include "common/status.h"
#include "server/http/connection_stream.h"
#include "server/http/serving_threads.h"

namespace smg::server {

struct EpollServerOptions {
  ServingThreadsOptions threads;
  ConnectionTimeouts timeouts;
  KeepAliveOptions keep_alive;
  // HTTPS when set (not owned; must outlive the server): each connection's TLS handshake is
  // driven by epoll events, never by a waiting thread, and must finish within the idle timeout.
  SSL_CTX* tls = nullptr;
  // Open connections at most (--max-connections); past it a new connection is closed at once
  // and counted in refused_connections(). 0: no cap.
  std::size_t max_connections = 0;
};

class EpollServer {
 public:
  // Parses and answers one request; false closes the connection. `close_connection` asks for
  // "Connection: close"; `connection_closed` is set when the client asked for it.
  using Process =
      std::function<bool(ConnectionStream&, bool close_connection, bool& connection_closed)>;

  EpollServer(EpollServerOptions options, Process process);
  ~EpollServer();
  EpollServer(const EpollServer&) = delete;
  EpollServer& operator=(const EpollServer&) = delete;

  // Binds and listens; returns the bound port (reason "listen_failed" otherwise).
  Result<int> bind(const std::string& host, int port, int backlog);
  // Serves until stop(), then waits for requests in progress (streams included) to end and
  // closes every connection. False if bind() did not succeed.
  bool serve();
  void stop();
  int listening_socket() const { return listen_fd_; }
  // Connections closed at accept because max_connections were open.
  std::uint64_t refused_connections() const { return refused_.load(std::memory_order_relaxed); }

 private:
  struct Connection;

  Status open_event_fds();
  bool step();
  void accept_all();
  void rearm_own(int fd, void* tag);
  void serve_connection(Connection* connection);
  void close_connection(Connection* connection);
  void close_all();
  void sweep_idle();
  void rearm(Connection* connection, std::uint32_t events = EPOLLIN);
  // TLS: one handshake step; true when the connection is ready for requests.
  bool handshake(Connection* connection);

  const EpollServerOptions options_;
  const Process process_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;   // eventfd: written once by stop()
  int timer_fd_ = -1;  // timerfd: the idle sweep, once a second
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::mutex mutex_;
  std::condition_variable stopped_;
  std::unordered_set<Connection*> connections_;  // guarded by mutex_
  ServingThreads threads_;
};

}  // namespace smg::server
