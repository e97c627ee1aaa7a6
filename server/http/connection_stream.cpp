#include "server/http/connection_stream.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <fcntl.h>
#include <openssl/err.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace smg::server {
namespace {

constexpr std::size_t kReadBufferBytes = 4096;
constexpr ssize_t kWouldBlock = -2;

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

ConnectionStream::ConnectionStream(int sock, ConnectionTimeouts timeouts, SSL_CTX* tls)
    : sock_(sock), timeouts_(timeouts), buffer_(kReadBufferBytes) {
  if (tls != nullptr) {
    ::fcntl(sock_, F_SETFL, ::fcntl(sock_, F_GETFL) | O_NONBLOCK);
    ssl_ = SSL_new(tls);
    if (ssl_ != nullptr && SSL_set_fd(ssl_, sock_) == 1) {
      SSL_set_accept_state(ssl_);
    }
    handshaking_ = true;  // with no SSL, continue_handshake() fails the connection
  }
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

ConnectionStream::~ConnectionStream() { SSL_free(ssl_); }

ConnectionStream::Handshake ConnectionStream::continue_handshake() {
  if (ssl_ == nullptr) {
    return Handshake::kFailed;
  }
  ERR_clear_error();
  int done = SSL_do_handshake(ssl_);
  if (done == 1) {
    handshaking_ = false;
    return Handshake::kDone;
  }
  switch (SSL_get_error(ssl_, done)) {
    case SSL_ERROR_WANT_READ: return Handshake::kWantRead;
    case SSL_ERROR_WANT_WRITE: return Handshake::kWantWrite;
    default: ERR_clear_error(); return Handshake::kFailed;  // not TLS, no shared cipher, ...
  }
}

void ConnectionStream::close_notify() {
  if (ssl_ != nullptr && !handshaking_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // non-blocking: if the socket cannot take it now, it is skipped
    ERR_clear_error();
  }
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
  if (has_buffered()) return true;
  auto wait = timeouts_.read_timeout;
  if (in_head_) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        head_deadline_ - std::chrono::steady_clock::now());
    wait = std::max(std::chrono::microseconds(0), std::min(wait, left));
  }
  return poll_for(POLLIN, wait);
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
  // A head over the bounds reads as a broken connection: httplib stops parsing (it answers 400,
  // which the listener turns into 431), and nothing more of it is buffered.
  if (head_too_large_) return -1;
  // httplib reads a request head one byte per call: serve those from the buffer directly.
  if (bad_chunk()) return -1;
  if (size == 1 && offset_ < size_) {
    char c = buffer_[offset_++];
    *ptr = c;
    if (in_head_) {
      watch_head_byte(c);
      return 1;
    }
    ++body_bytes_;
    return watch_body(std::string_view(ptr, 1)) ? 1 : -1;
  }
  ssize_t n = read_bytes(ptr, size);
  if (n <= 0) return n;
  return watch(std::string_view(ptr, static_cast<std::size_t>(n))) ? n : -1;
}

void ConnectionStream::begin_request() {
  in_head_ = true;
  line_length_ = 0;
  long_header_line_ = false;
  head_bytes_ = 0;
  head_lines_ = 0;
  previous_ = 0;
  bare_lf_ = false;
  head_too_large_ = false;
  head_timed_out_ = false;
  body_bytes_ = 0;
  body_too_slow_ = false;
  chunked_.reset();
  head_deadline_ =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeouts_.head_timeout);
  handled_ = false;
  head_.reset();
}

// Follows the request head line by line until its empty line (httplib rejects a line longer
// than CPPHTTPLIB_HEADER_MAX_LENGTH with a bare 400, and this lets the listener answer 431), then
// counts and checks the body's bytes.
bool ConnectionStream::watch(std::string_view bytes) {
  std::size_t i = 0;
  for (; i < bytes.size() && in_head_; ++i) watch_head_byte(bytes[i]);
  body_bytes_ += bytes.size() - i;
  return watch_body(bytes.substr(i));
}

std::chrono::steady_clock::time_point ConnectionStream::body_deadline() const {
  auto allowance = timeouts_.body_timeout + std::chrono::microseconds(std::chrono::seconds(1)) *
                                                static_cast<int64_t>(body_bytes_ /
                                                                     timeouts_.body_min_rate);
  return body_started_ +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(allowance);
}

void ConnectionStream::watch_head_byte(char c) {
  if (++head_bytes_ > kMaxHeadBytes) head_too_large_ = true;
  char previous = previous_;
  previous_ = c;
  if (c != '\n') {
    long_header_line_ = long_header_line_ || ++line_length_ > CPPHTTPLIB_HEADER_MAX_LENGTH;
    return;
  }
  if (previous != '\r') bare_lf_ = true;  // RFC 9112 2.2: refused, not guessed at
  // The request line and kMaxHeaderFields fields, then the empty line.
  if (++head_lines_ > kMaxHeaderFields + 2) head_too_large_ = true;
  in_head_ = line_length_ > 1;  // "\r\n" alone: the head is over
  line_length_ = 0;
  if (!in_head_) body_started_ = std::chrono::steady_clock::now();
}

ssize_t ConnectionStream::receive(char* into, size_t capacity, short& wait) {
  wait = POLLIN;
  if (ssl_ == nullptr) {
    ssize_t n;
    do {
      n = ::recv(sock_, into, capacity, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? kWouldBlock : n;
  }
  ERR_clear_error();
  int n = SSL_read(ssl_, into, static_cast<int>(std::min<std::size_t>(capacity, INT_MAX)));
  if (n > 0) {
    return n;
  }
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ: return kWouldBlock;
    case SSL_ERROR_WANT_WRITE: wait = POLLOUT; return kWouldBlock;
    case SSL_ERROR_ZERO_RETURN: return 0;  // close_notify
    default: ERR_clear_error(); return -1;
  }
}

ssize_t ConnectionStream::read_bytes(char* ptr, size_t size) {
  if (offset_ < size_) {
    std::size_t n = std::min(size, size_ - offset_);
    std::memcpy(ptr, buffer_.data() + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }
  // Large reads go straight to the caller; small ones through the buffer (header lines).
  bool direct = size >= buffer_.size();
  char* into = direct ? ptr : buffer_.data();
  std::size_t capacity = direct ? size : buffer_.size();
  short wait = POLLIN;
  ssize_t n = receive(into, capacity, wait);
  // Waits for data within the read timeout; over TLS a readable socket may still hold only part
  // of a record, so this can take more than one round.
  auto deadline = std::chrono::steady_clock::now() + timeouts_.read_timeout;
  bool head_bound = in_head_ && head_deadline_ < deadline;
  if (head_bound) deadline = head_deadline_;
  bool body_bound = false;
  if (!in_head_ && timeouts_.body_min_rate > 0 && n == kWouldBlock) {
    auto body_by = body_deadline();
    body_bound = body_by < deadline;
    if (body_bound) deadline = body_by;
  }
  while (n == kWouldBlock) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !poll_for(wait, left)) {
      if (head_bound) head_timed_out_ = true;
      if (body_bound) body_too_slow_ = true;
      return -1;
    }
    n = receive(into, capacity, wait);
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
  bool sent = send_all(held_.data(), held_.size(), ptr, size);
  held_.clear();
  return sent ? static_cast<ssize_t>(size) : -1;
}

bool ConnectionStream::send_all(const char* head, size_t head_size, const char* body,
                                size_t body_size) {
  if (ssl_ != nullptr) {
    if (head_size == 0) {
      return send_tls(body, body_size);
    }
    std::string record(head, head_size);  // one TLS record for head and body
    record.append(body, body_size);
    return send_tls(record.data(), record.size());
  }
  iovec parts[2] = {{const_cast<char*>(head), head_size}, {const_cast<char*>(body), body_size}};
  std::size_t total = head_size + body_size;
  msghdr message{};
  message.msg_iov = head_size == 0 ? parts + 1 : parts;
  message.msg_iovlen = head_size == 0 ? 1 : 2;
  std::size_t sent = 0;
  while (sent < total) {
    ssize_t n = ::sendmsg(sock_, &message, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;  // includes EAGAIN: SO_SNDTIMEO expired
    }
    sent += static_cast<std::size_t>(n);
    advance(message, static_cast<std::size_t>(n));
  }
  return true;
}

// SSL_write on the non-blocking socket: waits (within the write timeout) whenever OpenSSL wants
// the socket writable (or, renegotiation aside, readable) again.
bool ConnectionStream::send_tls(const char* data, size_t size) {
  auto deadline = std::chrono::steady_clock::now() + timeouts_.write_timeout;
  std::size_t sent = 0;
  while (sent < size) {
    ERR_clear_error();
    int chunk = static_cast<int>(std::min<std::size_t>(size - sent, INT_MAX));
    int n = SSL_write(ssl_, data + sent, chunk);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    short wait;
    switch (SSL_get_error(ssl_, n)) {
      case SSL_ERROR_WANT_WRITE: wait = POLLOUT; break;
      case SSL_ERROR_WANT_READ: wait = POLLIN; break;
      default: ERR_clear_error(); return false;
    }
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !poll_for(wait, left)) {
      return false;
    }
  }
  return true;
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
