// ConnectionStream: the plain-TCP httplib::Stream for one accepted connection, kept for the
// connection's whole keep-alive life, and serve_keep_alive(), the loop that waits for each next
// request. They replace cpp-httplib 0.11.4's own (internal) SocketStream and keep-alive loop,
// which cost per request: a poll before every read, a poll plus a liveness poll/peek before every
// write, a getpeername+getsockname, a 4 KiB buffer allocation, and a waiting connection woke its
// thread every 10 ms (select 10 ms, sleep 1 ms, repeat). Here a read tries recv first and polls
// only when no data is waiting, a write is a plain blocking send (SO_SNDTIMEO bounds it), the
// addresses are read once, and a waiting connection sleeps in recv for up to 200 ms slices.
// A response whose body follows its head (see expect_body_after_head) leaves in one TCP segment:
// the head goes out with MSG_MORE.
// Thread-safety: one connection, one thread.
//
//   ConnectionStream stream(sock, {.read_timeout = 30s, .write_timeout = 30s});
//   serve_keep_alive(stream, options, [&](bool close, bool& closed) {
//     return process_request(stream, close, closed, nullptr); });
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace smg::server {

struct ConnectionTimeouts {
  std::chrono::microseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::microseconds write_timeout{std::chrono::seconds(30)};
};

class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, ConnectionTimeouts timeouts);

  bool is_readable() const override;
  // Same contract as httplib's: writable within the write timeout and the peer still there.
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

  // True when bytes of a next request are already buffered.
  bool has_buffered() const { return offset_ < size_; }
  enum class Wait { kData, kTimeout, kClosed };
  // Blocks in recv for the next request's first bytes (buffered), for at most ~200 ms
  // (SO_RCVTIMEO): one syscall where poll + recv took two.
  Wait wait_for_request();
  // The next write is a response head whose body write follows at once: send it with MSG_MORE.
  void expect_body_after_head() { body_follows_ = true; }
  // Sends anything still held back by MSG_MORE; call after each request.
  void flush();

 private:
  bool poll_for(short events, std::chrono::microseconds timeout) const;

  int sock_;
  ConnectionTimeouts timeouts_;
  std::vector<char> buffer_;
  std::size_t offset_ = 0;
  std::size_t size_ = 0;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
  bool body_follows_ = false;
  bool corked_ = false;
};

// The connection a thread is serving now (null outside a request), so the handler glue can
// call expect_body_after_head() on it.
ConnectionStream*& current_connection();

struct KeepAliveOptions {
  std::size_t max_requests = 100000;
  std::chrono::seconds idle_timeout{2};
};

// Runs `handle(close_connection, connection_closed)` for each request on the connection until it
// fails, the peer closes, the connection is idle for options.idle_timeout, max_requests were
// served, or `server_socket` becomes invalid (the server is stopping).
bool serve_keep_alive(ConnectionStream& stream, const KeepAliveOptions& options,
                      const std::atomic<int>& server_socket,
                      const std::function<bool(bool, bool&)>& handle);

}  // namespace smg::server
