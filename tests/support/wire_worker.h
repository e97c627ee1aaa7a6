// WireWorker: a stand-in inference worker that speaks HTTP/1.1 by hand on 127.0.0.1 and keeps
// the exact request heads it read, so a test sees what really crossed the gateway-worker hop
// (a smuggled second request, a forwarded hop-by-hop header) rather than what a library made of
// it. Each request is answered with a JSON body naming its sequence number, path and the
// request's `x-marker` header, so a test can tell whose answer a client got. Keep-alive and
// pipelined requests are served in order on each connection; one thread per connection (tests
// only). `extra_response_after` makes it misbehave: after answering that request it sends a
// second, unsolicited response on the same connection (an upstream framing surprise).
// Thread-safety: requests()/count() may be called from any thread.
//
//   smg::test::WireWorker worker;                 // listening at once
//   ... gateway --worker-urls worker.url() ...
//   CHECK(worker.count_path("/flush_cache") == 0);
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace smg::test {

struct WireRequest {
  std::string method;
  std::string path;
  std::string head;  // request line and header lines as received, CRLFs included
  std::string body;
  std::string marker;  // value of x-marker, or ""
  int connection = 0;  // which accepted connection carried it (1, 2, ...)
};

class WireWorker {
 public:
  explicit WireWorker(std::string model = "m1") : model_(std::move(model)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 128);
    socklen_t size = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~WireWorker() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    accept_thread_.join();
    ::close(listen_fd_);
    std::lock_guard<std::mutex> guard(mutex_);
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
    for (auto& t : threads_) t.detach();  // each closes its own socket on EOF
  }
  WireWorker(const WireWorker&) = delete;
  WireWorker& operator=(const WireWorker&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // After the request with this x-marker, send one extra unsolicited response.
  void extra_response_after(std::string marker) {
    std::lock_guard<std::mutex> guard(mutex_);
    extra_after_ = std::move(marker);
  }

  std::vector<WireRequest> requests() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return requests_;
  }
  // Requests whose path is `path` (health checks and model lists included when asked for).
  int count_path(const std::string& path) const {
    int n = 0;
    for (const auto& r : requests()) n += r.path == path ? 1 : 0;
    return n;
  }
  // Requests other than the gateway's own health checks and model discovery.
  std::vector<WireRequest> data_requests() const {
    std::vector<WireRequest> out;
    for (auto& r : requests()) {
      if (r.path != "/health" && r.path != "/v1/models" && r.path != "/health_generate") {
        out.push_back(r);
      }
    }
    return out;
  }

 private:
  static std::string header_value(const std::string& head, const char* name) {
    std::size_t n = std::strlen(name);
    std::size_t at = 0;
    while ((at = head.find("\r\n", at)) != std::string::npos) {
      at += 2;
      if (head.size() >= at + n + 1 && strncasecmp(head.c_str() + at, name, n) == 0 &&
          head[at + n] == ':') {
        std::size_t start = head.find_first_not_of(' ', at + n + 1);
        return head.substr(start, head.find("\r\n", start) - start);
      }
    }
    return "";
  }

  void accept_loop() {
    int number = 0;
    while (!stopping_) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      std::lock_guard<std::mutex> guard(mutex_);
      connections_.push_back(fd);
      threads_.emplace_back([this, fd, id = ++number] { serve(fd, id); });
    }
  }

  void serve(int fd, int connection) {
    std::string buffer;
    char chunk[16384];
    for (;;) {
      std::size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return finish(fd);
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      WireRequest request;
      request.head = buffer.substr(0, head_end + 4);
      std::size_t length = std::strtoul(header_value(request.head, "content-length").c_str(),
                                        nullptr, 10);
      while (buffer.size() < head_end + 4 + length) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return finish(fd);
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      request.body = buffer.substr(head_end + 4, length);
      buffer.erase(0, head_end + 4 + length);
      auto space = request.head.find(' ');
      request.method = request.head.substr(0, space);
      request.path = request.head.substr(space + 1, request.head.find(' ', space + 1) - space - 1);
      request.marker = header_value(request.head, "x-marker");
      request.connection = connection;
      if (!answer(fd, record(std::move(request)))) return finish(fd);
    }
  }

  WireRequest record(WireRequest request) {
    std::lock_guard<std::mutex> guard(mutex_);
    requests_.push_back(request);
    sequence_ = requests_.size();
    return request;
  }

  bool answer(int fd, const WireRequest& request) {
    std::string body;
    if (request.path == "/v1/models") {
      body = R"({"object":"list","data":[{"id":")" + model_ + R"(","object":"model"}]})";
    } else {
      body = R"({"path":")" + request.path + R"(","marker":")" + request.marker +
             R"(","object":"chat.completion","choices":[]})";
    }
    std::string response = respond(body);
    bool extra;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      extra = !extra_after_.empty() && request.marker == extra_after_;
    }
    if (extra) {
      response += respond(R"({"path":"unsolicited","marker":"unsolicited"})");
    }
    return ::send(fd, response.data(), response.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(response.size());
  }

  static std::string respond(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  void finish(int fd) { ::close(fd); }

  std::string model_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  mutable std::mutex mutex_;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::vector<WireRequest> requests_;
  std::size_t sequence_ = 0;
  std::string extra_after_;
};

}  // namespace smg::test
