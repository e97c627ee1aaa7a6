// ConnectionStream: the httplib::Stream for one accepted connection (plain TCP or TLS), kept for
// the connection's whole keep-alive life (EpollServer owns one per connection). It replaces
// cpp-httplib 0.11.4's own (internal) SocketStream, which cost per request a poll before every
// read, a poll plus a liveness poll/peek before every write, a getpeername+getsockname and a 4 KiB
// buffer allocation. Here a read tries recv first and polls only when no data is waiting, a write
// is a plain blocking send (SO_SNDTIMEO bounds it), and the addresses are read once. Bytes read
// past the current request stay buffered for the next one (pipelining).
// A response whose body follows its head (see expect_body_after_head) leaves in one sendmsg: the
// head is held until the body write. Over TLS the same buffering sits on top of SSL_read, and
// a held head and its body leave as one SSL_write.
// Thread-safety: one thread at a time.
//
//   ConnectionStream stream(sock, {.read_timeout = 30s, .write_timeout = 30s});
//   parser.process(stream, close, closed);  stream.flush();
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/chunked_framing.h"
#include "server/http/exchange.h"

namespace smg::server {

struct ConnectionTimeouts {
  std::chrono::microseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::microseconds write_timeout{std::chrono::seconds(30)};
  // The whole request head, from its first byte to its empty line (slowloris): past it the
  // request is answered 408 and the connection closed.
  std::chrono::microseconds head_timeout{std::chrono::seconds(10)};
  // The body, as Apache's mod_reqtimeout bounds it: body_timeout from the end of the head, plus
  // one second for every body_min_rate bytes received. A body slower than that is answered 408
  // and the connection closed; 0 turns the rate off (read_timeout per read still holds).
  std::chrono::microseconds body_timeout{std::chrono::seconds(20)};
  std::size_t body_min_rate = 500;  // bytes per second
};

class ConnectionStream final : public httplib::Stream {
 public:
  enum class Handshake { kDone, kWantRead, kWantWrite, kFailed };

  // With `tls`, the connection speaks TLS: the socket is made non-blocking, the handshake is
  // driven by continue_handshake() and reads and writes go through OpenSSL.
  ConnectionStream(int sock, ConnectionTimeouts timeouts, SSL_CTX* tls = nullptr);
  ~ConnectionStream() override;
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  bool is_readable() const override;
  // Same contract as httplib's: writable within the write timeout and the peer still there.
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

  // True when bytes of a next request are already buffered (here or, decrypted, in OpenSSL).
  bool has_buffered() const {
    return offset_ < size_ || (ssl_ != nullptr && SSL_pending(ssl_) > 0);
  }
  SSL* ssl() const { return ssl_; }
  // TLS: true until the handshake is done. continue_handshake() never blocks: on kWantRead or
  // kWantWrite call it again once the socket is readable or writable.
  bool handshaking() const { return handshaking_; }
  Handshake continue_handshake();
  // TLS: sends close_notify if the socket takes it at once. Call before the socket is closed.
  void close_notify();
  // Call before each request: starts watching its head for over-long lines.
  void begin_request();
  // The current request's head had a line longer than httplib accepts (it answers 400; the
  // right answer is 431 Request Header Fields Too Large).
  bool long_header_line() const { return long_header_line_; }
  // The head ran over kMaxHeadBytes or kMaxHeaderFields: reading stopped (answer 431).
  bool head_too_large() const { return head_too_large_; }
  // A head line ended in LF without CR (answer 400: RFC 9112 framing is followed strictly).
  bool bare_lf() const { return bare_lf_; }
  // The head did not arrive within timeouts.head_timeout (answer 408).
  bool head_timed_out() const { return head_timed_out_; }
  // The body fell under timeouts.body_min_rate (answer 408).
  bool body_too_slow() const { return body_too_slow_; }
  // The current request's body is chunked: every body byte is checked against RFC 9112's chunk
  // grammar (chunked_framing.h), and the first that breaks it reads as a broken connection.
  void expect_chunked_body() { chunked_.emplace(); }
  // The chunked body broke the grammar (answer 400).
  bool bad_chunk() const { return chunked_ && chunked_->failed(); }
  static constexpr std::size_t kMaxHeadBytes = 64 * 1024;
  static constexpr std::size_t kMaxHeaderFields = 100;
  // The next write is a response head whose body write follows at once: hold it for that write.
  void expect_body_after_head() { body_follows_ = true; }
  // Closes the connection once the current response is sent: nothing after a refused request
  // on this connection is ever read as a request.
  void close_after_response() { close_requested_ = true; }
  // The handler answered this request (its 4xx/5xx are not the engine's errors to reshape).
  void mark_handled() { handled_ = true; }
  bool handled() const { return handled_; }
  // The current request's head as the listener converted and screened it, kept for its handler
  // so the headers are converted once (the handler adds the body).
  void keep_head(Request head) { head_ = std::move(head); }
  std::optional<Request> take_head() {
    std::optional<Request> head = std::move(head_);
    head_.reset();
    return head;
  }
  bool close_requested() const { return close_requested_; }
  // Sends a head still held back; call after each request.
  void flush();

 private:
  ssize_t read_bytes(char* ptr, size_t size);
  // One non-blocking read: bytes read, 0 at the end, -1 on error; or kWouldBlock with the poll
  // events to wait for in `wait`.
  ssize_t receive(char* into, size_t capacity, short& wait);
  bool send_all(const char* head, size_t head_size, const char* body, size_t body_size);
  bool send_tls(const char* data, size_t size);
  // Follows head bytes; the bytes after the head's end count as body and are checked by
  // watch_body. False when they break the chunk grammar.
  bool watch(std::string_view bytes);
  // Body bytes handed to the parser: false when they break the chunk grammar.
  bool watch_body(std::string_view bytes) { return !chunked_ || chunked_->accept(bytes); }
  // The time by which the body must have advanced past body_bytes_ (body_min_rate).
  std::chrono::steady_clock::time_point body_deadline() const;
  void watch_head_byte(char c);
  bool poll_for(short events, std::chrono::microseconds timeout) const;

  int sock_;
  ConnectionTimeouts timeouts_;
  SSL* ssl_ = nullptr;
  bool handshaking_ = false;
  std::vector<char> buffer_;
  std::size_t offset_ = 0;
  std::size_t size_ = 0;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
  bool body_follows_ = false;
  std::string held_;  // a response head waiting for its body
  bool in_head_ = false;
  std::size_t line_length_ = 0;
  bool long_header_line_ = false;
  std::size_t head_bytes_ = 0;
  std::size_t head_lines_ = 0;
  char previous_ = 0;
  bool bare_lf_ = false;
  bool head_too_large_ = false;
  bool head_timed_out_ = false;
  std::chrono::steady_clock::time_point head_deadline_{};
  std::chrono::steady_clock::time_point body_started_{};  // the head's end
  std::size_t body_bytes_ = 0;                              // read since then
  bool body_too_slow_ = false;
  std::optional<ChunkedFraming> chunked_;
  bool handled_ = false;
  std::optional<Request> head_;
  bool close_requested_ = false;
};

// The connection a thread is serving now (null outside a request), so the handler glue can
// call expect_body_after_head() on it.
ConnectionStream*& current_connection();

struct KeepAliveOptions {
  std::size_t max_requests = 100000;
  std::chrono::seconds idle_timeout{2};
};

}  // namespace smg::server
