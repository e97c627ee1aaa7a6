#include "server/http/connection_stream.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace smg::server {
namespace {

constexpr std::size_t kReadBufferBytes = 4096;

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

// Moves the iovecs of `message` past `n` sent bytes.
void advance(msghdr& message, std::size_t n) {
  while (n > 0 && message.msg_iovlen > 0) {
    iovec& first = message.msg_iov[0];
    std::size_t step = std::min(n, first.iov_len);
    first.iov_base = static_cast<char*>(first.iov_base) + step;
    first.iov_len -= step;
    n -= step;
    if (first.iov_len == 0) {
      ++message.msg_iov;
      --message.msg_iovlen;
    }
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

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  // httplib reads a request head one byte per call: serve those from the buffer directly.
  if (size == 1 && offset_ < size_) {
    char c = buffer_[offset_++];
    *ptr = c;
    if (in_head_) watch_head_byte(c);
    return 1;
  }
  ssize_t n = read_bytes(ptr, size);
  if (n > 0 && in_head_) {
    watch_head(std::string_view(ptr, static_cast<std::size_t>(n)));
  }
  return n;
}

void ConnectionStream::begin_request() {
  in_head_ = true;
  line_length_ = 0;
  long_header_line_ = false;
}

// Follows the request head line by line until its empty line: httplib rejects a line longer
// than CPPHTTPLIB_HEADER_MAX_LENGTH with a bare 400, and this lets the listener answer 431.
void ConnectionStream::watch_head(std::string_view bytes) {
  for (char c : bytes) {
    if (!in_head_) return;
    watch_head_byte(c);
  }
}

void ConnectionStream::watch_head_byte(char c) {
  if (c != '\n') {
    long_header_line_ = long_header_line_ || ++line_length_ > CPPHTTPLIB_HEADER_MAX_LENGTH;
    return;
  }
  in_head_ = line_length_ > 1;  // "\r\n" alone: the head is over
  line_length_ = 0;
}

ssize_t ConnectionStream::read_bytes(char* ptr, size_t size) {
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
  if (body_follows_) {
    // The head waits for its body: both leave in one sendmsg (one syscall, one segment).
    body_follows_ = false;
    held_.assign(ptr, size);
    return static_cast<ssize_t>(size);
  }
  iovec parts[2] = {{held_.data(), held_.size()}, {const_cast<char*>(ptr), size}};
  std::size_t total = held_.size() + size;
  msghdr message{};
  message.msg_iov = held_.empty() ? parts + 1 : parts;
  message.msg_iovlen = held_.empty() ? 1 : 2;
  std::size_t sent = 0;
  while (sent < total) {
    ssize_t n = ::sendmsg(sock_, &message, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      held_.clear();
      return -1;  // includes EAGAIN: SO_SNDTIMEO expired
    }
    sent += static_cast<std::size_t>(n);
    advance(message, static_cast<std::size_t>(n));
  }
  held_.clear();
  return static_cast<ssize_t>(size);
}

void ConnectionStream::flush() {
  body_follows_ = false;
  if (!held_.empty()) {
    write("", 0);  // a head whose body never came
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

}  // namespace smg::server
