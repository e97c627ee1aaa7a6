#include "server/http/connection_stream.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace smg::server {
namespace {

constexpr std::size_t kReadBufferBytes = 4096;
// How often a waiting connection checks whether the server is stopping or its idle time is up.
constexpr std::chrono::milliseconds kIdleSlice{200};

void address_of(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) == 0) {
    ip = host;
  }
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
}

}  // namespace

ConnectionStream*& current_connection() {
  thread_local ConnectionStream* connection = nullptr;
  return connection;
}

ConnectionStream::ConnectionStream(int sock, ConnectionTimeouts timeouts)
    : sock_(sock), timeouts_(timeouts), buffer_(kReadBufferBytes) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    address_of(addr, len, remote_ip_, remote_port_);
  }
  len = sizeof addr;
  if (getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    address_of(addr, len, local_ip_, local_port_);
  }
  auto usec = timeouts_.write_timeout.count();
  timeval send_timeout{static_cast<time_t>(usec / 1000000),
                       static_cast<suseconds_t>(usec % 1000000)};
  setsockopt(sock_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  // Bounds the blocking recv of wait_for_request(); every other recv is MSG_DONTWAIT.
  auto slice_usec = std::chrono::duration_cast<std::chrono::microseconds>(kIdleSlice).count();
  timeval idle_slice{0, static_cast<suseconds_t>(slice_usec)};
  setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &idle_slice, sizeof idle_slice);
  int yes = 1;
  setsockopt(sock_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

bool ConnectionStream::poll_for(short events, std::chrono::microseconds timeout) const {
  pollfd fd{sock_, events, 0};
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  int ready;
  do {
    ready = ::poll(&fd, 1, static_cast<int>(ms));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

bool ConnectionStream::is_readable() const {
  return has_buffered() || poll_for(POLLIN, timeouts_.read_timeout);
}

bool ConnectionStream::is_writable() const {
  if (!poll_for(POLLOUT, timeouts_.write_timeout)) {
    return false;
  }
  // Alive unless readable with nothing to read (the peer closed).
  pollfd fd{sock_, POLLIN, 0};
  if (::poll(&fd, 1, 0) <= 0) {
    return true;
  }
  char byte;
  return ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

ConnectionStream::Wait ConnectionStream::wait_for_request() {
  if (has_buffered()) {
    return Wait::kData;
  }
  ssize_t n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
  if (n > 0) {
    offset_ = 0;
    size_ = static_cast<std::size_t>(n);
    return Wait::kData;
  }
  bool waiting = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  return waiting ? Wait::kTimeout : Wait::kClosed;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (has_buffered()) {
    std::size_t n = std::min(size, size_ - offset_);
    std::memcpy(ptr, buffer_.data() + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }
  // Large reads go straight to the caller; small ones through the buffer (header lines).
  bool direct = size >= buffer_.size();
  char* into = direct ? ptr : buffer_.data();
  std::size_t capacity = direct ? size : buffer_.size();
  ssize_t n = ::recv(sock_, into, capacity, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    if (!poll_for(POLLIN, timeouts_.read_timeout)) {
      return -1;
    }
    do {
      n = ::recv(sock_, into, capacity, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
  }
  if (n <= 0 || direct) {
    return n;
  }
  size_ = static_cast<std::size_t>(n);
  offset_ = std::min(size, size_);
  std::memcpy(ptr, buffer_.data(), offset_);
  return static_cast<ssize_t>(offset_);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  int flags = MSG_NOSIGNAL;
  if (body_follows_) {
    body_follows_ = false;
    flags |= MSG_MORE;
  }
  std::size_t sent = 0;
  while (sent < size) {
    ssize_t n = ::send(sock_, ptr + sent, size - sent, flags);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return -1;  // includes EAGAIN: SO_SNDTIMEO expired
    }
    sent += static_cast<std::size_t>(n);
  }
  corked_ = (flags & MSG_MORE) != 0;
  return static_cast<ssize_t>(sent);
}

void ConnectionStream::flush() {
  body_follows_ = false;
  if (corked_) {
    // Setting TCP_NODELAY pushes out whatever MSG_MORE held back.
    int yes = 1;
    setsockopt(sock_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    corked_ = false;
  }
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = remote_ip_;
  port = remote_port_;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = local_ip_;
  port = local_port_;
}

bool serve_keep_alive(ConnectionStream& stream, const KeepAliveOptions& options,
                      const std::atomic<int>& server_socket,
                      const std::function<bool(bool, bool&)>& handle) {
  bool ok = false;
  for (std::size_t left = options.max_requests; left > 0; --left) {
    auto idle_deadline = std::chrono::steady_clock::now() + options.idle_timeout;
    auto wait = ConnectionStream::Wait::kTimeout;
    while (wait == ConnectionStream::Wait::kTimeout && server_socket.load() != -1 &&
           std::chrono::steady_clock::now() < idle_deadline) {
      wait = stream.wait_for_request();
    }
    if (wait != ConnectionStream::Wait::kData) {
      return ok;
    }
    bool closed = false;
    current_connection() = &stream;
    ok = handle(left == 1, closed);
    current_connection() = nullptr;
    stream.flush();
    if (!ok || closed) {
      break;
    }
  }
  return ok;
}

}  // namespace smg::server
