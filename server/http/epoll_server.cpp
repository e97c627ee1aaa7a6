#include "server/http/epoll_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace smg::server {
namespace {

// How long an idle serving thread sleeps in epoll_wait before it looks at the stop flag again
// (stop() also wakes every thread through the eventfd; this is the safety net).
constexpr int kWaitSliceMs = 500;
// Connections accepted per wake-up before the thread serves anything else.
constexpr int kAcceptBurst = 256;

// Distinct addresses tag the engine's own descriptors in epoll_event::data.ptr.
char listen_tag, wake_tag, timer_tag;

std::int64_t now_ticks() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

}  // namespace

struct EpollServer::Connection {
  enum State { kIdle, kBusy, kExpired };

  Connection(int fd, ConnectionTimeouts timeouts, SSL_CTX* tls)
      : fd(fd), stream(fd, timeouts, tls) {}

  // The thread that got this connection's event takes it, unless the sweep expired it first.
  bool claim() {
    int idle = kIdle;
    return state.compare_exchange_strong(idle, kBusy, std::memory_order_acquire);
  }

  const int fd;
  ConnectionStream stream;
  std::atomic<int> state{kIdle};
  std::atomic<std::int64_t> last_active{now_ticks()};
  std::size_t served = 0;  // requests, touched only by the owning thread
};

EpollServer::EpollServer(EpollServerOptions options, Process process)
    : options_(options),
      process_(std::move(process)),
      threads_(options.threads, [this] { return step(); }) {}

EpollServer::~EpollServer() {
  stop();
  threads_.stop_and_wait();
  close_all();
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_, timer_fd_}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

Result<int> EpollServer::bind(const std::string& host, int port, int backlog) {
  if (options_.tls != nullptr) {
    // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a peer gone mid-write must be an
    // error return, not SIGPIPE killing the process.
    ::signal(SIGPIPE, SIG_IGN);
  }
  Status failed(Code::kUnavailable, "listen_failed",
                "cannot listen on " + host + ":" + std::to_string(port));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return failed;
  }
  int bind_errno = 0;
  for (addrinfo* ai = found; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int yes = 1;
    if (fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
        ::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, backlog) == 0) {
      listen_fd_ = fd;
    } else {
      bind_errno = errno;
      if (fd >= 0) ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  if (listen_fd_ < 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    // "address already in use", "permission denied": the cause, in the OS's words.
    if (bind_errno != 0) {
      return Status(Code::kUnavailable, "listen_failed",
                    failed.message() + ": " + std::strerror(bind_errno));
    }
    return failed;
  }
  if (Status opened = open_event_fds(); !opened.ok()) {
    return opened;
  }
  auto* in = reinterpret_cast<sockaddr_in*>(&bound);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&bound);
  return static_cast<int>(ntohs(bound.ss_family == AF_INET6 ? in6->sin6_port : in->sin_port));
}

Status EpollServer::open_event_fds() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  itimerspec every_second{{1, 0}, {1, 0}};
  bool ok = epoll_fd_ >= 0 && wake_fd_ >= 0 && timer_fd_ >= 0 &&
            ::timerfd_settime(timer_fd_, 0, &every_second, nullptr) == 0;
  // The stop eventfd is level-triggered so that every waiting thread sees it. The listening
  // socket and the timer are one-shot (re-armed by the thread that handled them): level-triggered,
  // one new connection would wake every serving thread in turn while the first one accepts.
  for (auto [fd, tag] : {std::pair{listen_fd_, &listen_tag}, std::pair{wake_fd_, &wake_tag},
                         std::pair{timer_fd_, &timer_tag}}) {
    epoll_event event{};
    event.events = tag == &wake_tag ? EPOLLIN : EPOLLIN | EPOLLONESHOT;
    event.data.ptr = tag;
    ok = ok && ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }
  return ok ? Status() : internal_error("listen_failed", "cannot set up the event loop");
}

bool EpollServer::serve() {
  if (epoll_fd_ < 0) {
    return false;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) {
    return true;
  }
  threads_.start();
  stopped_.wait(lock, [&] { return stopping_.load(); });
  lock.unlock();
  threads_.stop_and_wait();
  close_all();
  return true;
}

// REQUIRES: no serving thread is left.
void EpollServer::close_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Connection* connection : connections_) {
    ::shutdown(connection->fd, SHUT_RDWR);
    ::close(connection->fd);
    delete connection;
  }
  connections_.clear();
}

void EpollServer::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_.exchange(true)) {
    return;
  }
  if (wake_fd_ >= 0) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  }
  stopped_.notify_all();
}

// One serving thread's turn: wait for one event and handle it. False once stopping.
bool EpollServer::step() {
  epoll_event event{};
  threads_.waiting_begins();
  int ready = ::epoll_wait(epoll_fd_, &event, 1, kWaitSliceMs);
  threads_.waiting_ends(ready > 0);
  if (stopping_.load(std::memory_order_relaxed)) {
    return false;
  }
  if (ready <= 0) {
    return true;
  }
  if (event.data.ptr == &listen_tag) {
    accept_all();
    rearm_own(listen_fd_, &listen_tag);
  } else if (event.data.ptr == &timer_tag) {
    std::uint64_t expirations = 0;
    if (::read(timer_fd_, &expirations, sizeof expirations) > 0) {
      sweep_idle();
    }
    rearm_own(timer_fd_, &timer_tag);
  } else if (event.data.ptr != &wake_tag) {
    serve_connection(static_cast<Connection*>(event.data.ptr));
  }
  return !stopping_.load(std::memory_order_relaxed);
}

void EpollServer::rearm_own(int fd, void* tag) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLONESHOT;
  event.data.ptr = tag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void EpollServer::accept_all() {
  for (int i = 0; i < kAcceptBurst; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: the socket stays readable, so re-arming at once would
        // spin. Back off a little, as httplib's accept loop did.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return;  // EAGAIN: none left
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (options_.max_connections != 0 && connections_.size() >= options_.max_connections) {
        ::close(fd);  // at once: a slow client must not hold a slot it never got
        refused_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
    }
    auto* connection = new Connection(fd, options_.timeouts, options_.tls);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      connections_.insert(connection);
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.ptr = connection;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
      connection->claim();
      close_connection(connection);
    }
  }
}

void EpollServer::serve_connection(Connection* connection) {
  if (!connection->claim()) {
    close_connection(connection);  // expired by the sweep, which woke us by shutting it down
    return;
  }
  if (connection->stream.handshaking() && !handshake(connection)) {
    return;
  }
  bool keep = true;
  current_connection() = &connection->stream;
  do {
    bool last = ++connection->served >= options_.keep_alive.max_requests;
    bool closed = false;
    connection->stream.begin_request();
    bool ok = process_(connection->stream, last || stopping_, closed);
    connection->stream.flush();
    // After an over-long header line the rest of that head would be read as a next request.
    keep = ok && !closed && !last && !stopping_ && !connection->stream.long_header_line() &&
           !connection->stream.close_requested();
  } while (keep && connection->stream.has_buffered());
  current_connection() = nullptr;
  if (!keep) {
    close_connection(connection);
    return;
  }
  rearm(connection);
}

// False when the connection is not ready for requests: it then waits in epoll for the next step
// (or is closed when the handshake failed).
bool EpollServer::handshake(Connection* connection) {
  switch (connection->stream.continue_handshake()) {
    case ConnectionStream::Handshake::kWantRead: rearm(connection, EPOLLIN); return false;
    case ConnectionStream::Handshake::kWantWrite: rearm(connection, EPOLLOUT); return false;
    case ConnectionStream::Handshake::kFailed: close_connection(connection); return false;
    case ConnectionStream::Handshake::kDone: break;
  }
  if (!connection->stream.has_buffered()) {
    rearm(connection);  // the first request may not be here yet: never wait for it on a thread
    return false;
  }
  return true;
}

void EpollServer::rearm(Connection* connection, std::uint32_t events) {
  connection->last_active.store(now_ticks(), std::memory_order_relaxed);
  connection->state.store(Connection::kIdle, std::memory_order_release);
  epoll_event event{};
  event.events = events | EPOLLONESHOT;
  event.data.ptr = connection;
  // From here on another thread may own it (or the sweep expire it): never touch it again.
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection->fd, &event) != 0 && connection->claim()) {
    close_connection(connection);
  }
}

void EpollServer::close_connection(Connection* connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.erase(connection);
  }
  connection->stream.close_notify();
  ::shutdown(connection->fd, SHUT_RDWR);
  ::close(connection->fd);
  delete connection;
}

// Expires connections idle past the keep-alive timeout. The sweep never frees one: it shuts the
// socket down, which fires its (armed) epoll event, and the thread that gets it closes it.
void EpollServer::sweep_idle() {
  auto idle_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      options_.keep_alive.idle_timeout);
  std::int64_t oldest = now_ticks() - idle_timeout.count();
  std::lock_guard<std::mutex> lock(mutex_);
  for (Connection* connection : connections_) {
    if (connection->last_active.load(std::memory_order_relaxed) >= oldest) {
      continue;
    }
    int idle = Connection::kIdle;
    if (connection->state.compare_exchange_strong(idle, Connection::kExpired)) {
      ::shutdown(connection->fd, SHUT_RDWR);
    }
  }
}

}  // namespace smg::server
