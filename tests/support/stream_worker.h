// StreamWorker: a stand-in inference worker on a raw socket for the engine's stream tests, so a
// test can see what happens on the worker's side of the gateway: how many bytes the gateway
// accepted from it (backpressure) and when the gateway closed the worker connection (client
// aborts). GET requests (/health, /v1/models) get a model list naming `model`; a POST gets an SSE
// response: kFlood writes 16 KiB events as fast as the gateway takes them, kTrickle writes one
// event and then waits for the gateway to close the connection. One thread per connection.
// Thread-safety: the accessors may be called from any thread.
//
//   smg::test::StreamWorker worker("flood", smg::test::StreamWorker::Mode::kFlood);
//   ... --worker-urls worker.url() ...; worker.bytes_streamed();
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <stdexcept>
#include <vector>

#include "tests/support/loopback_socket.h"

namespace smg::test {

class StreamWorker {
 public:
  enum class Mode { kFlood, kTrickle };
  using Clock = std::chrono::steady_clock;

  StreamWorker(std::string model, Mode mode)
      : model_(std::move(model)), mode_(mode), fd_(bind_loopback(port_, 128)) {
    if (fd_ < 0) throw std::runtime_error("StreamWorker: cannot listen");
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~StreamWorker() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    for (auto& t : connections_) t.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::size_t bytes_streamed() const { return streamed_; }
  int streams_started() const { return started_; }
  // When the gateway closed the last trickled stream's connection; max() while none has.
  Clock::time_point stream_closed_at() const {
    return Clock::time_point(Clock::duration(closed_at_.load()));
  }

 private:
  static bool read_head(int fd, std::string& head) {
    char c;
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (::recv(fd, &c, 1, 0) != 1) return false;
      head += c;
    }
    return true;
  }
  static bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  static std::string chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  }

  void accept_loop() {
    while (!stopping_) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      std::lock_guard lock(mutex_);
      open_.push_back(client);
      connections_.emplace_back([this, client] { serve(client); });
    }
  }

  void serve(int fd) {
    for (;;) {
      std::string head;
      if (!read_head(fd, head)) break;
      if (head.rfind("GET", 0) == 0) {
        std::string body = "{\"object\":\"list\",\"data\":[{\"id\":\"" + model_ +
                           "\",\"object\":\"model\"}]}";
        if (!send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body)) {
          break;
        }
        continue;
      }
      // The POST's body (Content-Length) is read and ignored.
      auto at = head.find("Content-Length: ");
      if (at == std::string::npos) at = head.find("content-length: ");
      std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
      std::string body(length, '\0');
      std::size_t got = 0;
      while (got < length) {
        ssize_t n = ::recv(fd, body.data() + got, length - got, 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      ++started_;
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n");
      if (mode_ == Mode::kFlood) {
        std::string event = chunk("data: " + std::string(16 * 1024 - 8, 'x') + "\n\n");
        while (!stopping_ && send_all(fd, event)) streamed_ += event.size();
      } else {
        send_all(fd, chunk("data: {\"choices\":[]}\n\n"));
        char c;
        while (::recv(fd, &c, 1, 0) > 0) {
        }
        closed_at_ = Clock::now().time_since_epoch().count();
      }
      break;
    }
    std::lock_guard lock(mutex_);
    std::erase(open_, fd);
    ::close(fd);
  }

  const std::string model_;
  const Mode mode_;
  int port_ = 0;  // before fd_: bind_loopback sets it while fd_ is initialised
  int fd_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> streamed_{0};
  std::atomic<int> started_{0};
  std::atomic<Clock::rep> closed_at_{Clock::time_point::max().time_since_epoch().count()};
  std::mutex mutex_;
  std::vector<int> open_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace smg::test
