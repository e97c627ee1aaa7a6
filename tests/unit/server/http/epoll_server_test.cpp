// The plain-HTTP engine through the Listener: many keep-alive connections on a few serving
// threads, pipelined requests, streams that hand their thread off, a stall monitor for blocking
// handlers, and idle keep-alive connections closed after the timeout.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "server/http/listener.h"
#include "tests/support/eventually.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/text_search.h"
#include "tests/support/waitable_counter.h"

using namespace std::chrono_literals;
using smg::server::Listener;
using smg::server::ListenerOptions;
using smg::server::Request;
using smg::server::Response;
using smg::server::StreamSink;

namespace {

// A Listener on a free loopback port, served on its own thread until destroyed.
class RunningListener {
 public:
  RunningListener(ListenerOptions options, smg::server::Handler handler)
      : listener_(std::move(options), std::move(handler)) {
    auto port = listener_.bind();
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { listener_.serve(); });
  }
  ~RunningListener() {
    listener_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  Listener listener_;
  int port_ = 0;
  std::thread thread_;
};

ListenerOptions loopback(std::size_t serving_threads) {
  ListenerOptions options;
  options.port = 0;
  options.serving_threads = serving_threads;
  return options;
}

int connect_to(int port) {
  int fd = smg::test::connect_loopback(port);
  REQUIRE(fd >= 0);
  return fd;
}

// Everything the server sends until it closes the connection or `limit` passes.
std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
  timeval timeout{static_cast<time_t>(limit.count() / 1000),
                  static_cast<suseconds_t>((limit.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) out.append(buffer, n);
  return out;
}

// One response with a Content-Length body, read from a blocking socket.
std::string read_response(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    auto head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto at = out.find("Content-Length: ");
      std::size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
      if (out.size() >= head_end + 4 + length) return out;
    }
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::size_t thread_count() {
  std::size_t threads = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    ++threads;
  }
  return threads;
}

}  // namespace

TEST_CASE("epoll server: 40 keep-alive connections hold no thread each", "[http][epoll]") {
  RunningListener server(loopback(3), [](Request& request) {
    return smg::server::text_response(200, "echo " + request.path);
  });
  auto ask = [](int fd, const std::string& path) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
    return read_response(fd);
  };
  int warm = connect_to(server.port());
  CHECK(ask(warm, "/warm").find("echo /warm") != std::string::npos);
  std::size_t before = thread_count();  // the serving threads are up
  std::vector<int> connections;
  for (int c = 0; c < 40; ++c) {
    connections.push_back(connect_to(server.port()));
    std::string path = "/c" + std::to_string(c);
    CHECK(ask(connections.back(), path).find("echo " + path) != std::string::npos);
  }
  for (int fd : connections) {  // every connection is still open and served again
    CHECK(ask(fd, "/again").find("echo /again") != std::string::npos);
  }
  // Threads the stall monitor may have added on a loaded machine retire once idle.
  CHECK(smg::test::eventually([&] { return thread_count() <= before; }, 5s, 20ms));
  for (int fd : connections) ::close(fd);
  ::close(warm);
}

TEST_CASE("epoll server: pipelined requests are all answered in order", "[http][epoll]") {
  RunningListener server(loopback(2), [](Request& request) {
    return smg::server::text_response(200, "path " + request.path);
  });
  int fd = connect_to(server.port());
  std::string requests = "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
                         "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, requests.data(), requests.size(), 0) == static_cast<ssize_t>(requests.size()));
  std::string answers = read_until_closed(fd, 3000ms);
  ::close(fd);
  CHECK(smg::test::count_occurrences(answers, "HTTP/1.1 200") == 3);
  auto one = answers.find("path /one"), two = answers.find("path /two");
  auto three = answers.find("path /three");
  CHECK(one < two);
  CHECK(two < three);
  CHECK(three != std::string::npos);
}

TEST_CASE("epoll server: streams hand their thread off and never starve short requests",
          "[http][epoll]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  smg::test::WaitableCounter streaming;
  RunningListener server(loopback(2), [&](Request& request) {
    if (request.path != "/stream") return smg::server::text_response(200, "short");
    Response response = smg::server::text_response(200, "", "text/event-stream");
    response.stream = [&, released](StreamSink& sink) {
      streaming.increment();
      released.wait();
      return sink.write("data: done\n\n");
    };
    return response;
  });
  std::vector<std::future<bool>> streams;
  for (int i = 0; i < 12; ++i) {
    streams.push_back(std::async(std::launch::async, [&] {
      httplib::Client client("127.0.0.1", server.port());
      auto res = client.Get("/stream");
      return res && res->status == 200 && res->body == "data: done\n\n";
    }));
  }
  // Twelve streams held at once on two serving threads.
  REQUIRE(streaming.wait_for(12, 5s));
  CHECK(streaming.value() == 12);
  httplib::Client client("127.0.0.1", server.port());
  auto started = std::chrono::steady_clock::now();
  auto res = client.Get("/short");
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  REQUIRE(res);
  CHECK(res->body == "short");
  release.set_value();
  for (auto& stream : streams) CHECK(stream.get());
}

TEST_CASE("epoll server: handlers that block for long make the stall monitor add threads",
          "[http][epoll]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  smg::test::WaitableCounter entered;
  RunningListener server(loopback(1), [released, &entered](Request& request) {
    if (request.path == "/slow") {
      entered.increment();
      released.wait();
    }
    return smg::server::text_response(200, "ok");
  });
  std::vector<std::future<bool>> slow;
  for (int i = 0; i < 3; ++i) {
    slow.push_back(std::async(std::launch::async, [&] {
      httplib::Client client("127.0.0.1", server.port());
      auto res = client.Get("/slow");
      return res && res->status == 200;
    }));
  }
  // All three hold a thread: one serving thread had to become three.
  REQUIRE(entered.wait_for(3, 5s));
  httplib::Client client("127.0.0.1", server.port());
  auto started = std::chrono::steady_clock::now();
  auto res = client.Get("/fast");
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK((res && res->status == 200));
  release.set_value();
  for (auto& request : slow) CHECK(request.get());
}

TEST_CASE("epoll server: a burst of 300 blocking requests gets threads fast",
          "[http][epoll]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  smg::test::WaitableCounter blocked;
  RunningListener server(loopback(2), [released, &blocked](Request& request) {
    if (request.path == "/slow") {
      blocked.increment();
      released.wait();
    }
    return smg::server::text_response(200, "ok");
  });
  const std::string slow_request = "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::vector<int> slow;
  for (int i = 0; i < 300; ++i) {
    int fd = connect_to(server.port());
    REQUIRE(::send(fd, slow_request.data(), slow_request.size(), 0) ==
            static_cast<ssize_t>(slow_request.size()));
    slow.push_back(fd);
  }
  // One monitor period per thread (the old rule) would need ~1.5 s to reach them all.
  auto began = std::chrono::steady_clock::now();
  bool all_blocked = blocked.wait_for(300, 10s);
  auto took = std::chrono::steady_clock::now() - began;
  CHECK(all_blocked);
  CHECK(blocked.value() == 300);
  CHECK(took < 1s);
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/fast");
  CHECK((res && res->status == 200));
  release.set_value();
  for (int fd : slow) {
    CHECK(read_until_closed(fd, 5s).rfind("HTTP/1.1 200", 0) == 0);
    ::close(fd);
  }
}

TEST_CASE("epoll server: an idle keep-alive connection is closed after the timeout",
          "[http][epoll]") {
  ListenerOptions options = loopback(2);
  options.keep_alive_timeout = 1s;
  RunningListener server(options, [](Request&) { return smg::server::text_response(200, "ok"); });
  int fd = connect_to(server.port());
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  auto started = std::chrono::steady_clock::now();
  std::string answer = read_until_closed(fd, 5000ms);  // returns when the server closes
  auto waited = std::chrono::steady_clock::now() - started;
  ::close(fd);
  CHECK(smg::test::count_occurrences(answer, "HTTP/1.1 200") == 1);
  CHECK(waited >= 900ms);
  CHECK(waited < 4s);
}

TEST_CASE("epoll server: a header line over 8 KiB is answered 431 with a JSON error",
          "[http][epoll]") {
  std::atomic<int> handled{0};
  RunningListener server(loopback(2), [&](Request&) {
    ++handled;
    return smg::server::text_response(200, "ok");
  });
  int fd = connect_to(server.port());
  std::string request = "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        std::string(9000, 'a') + "\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer = read_until_closed(fd, 3000ms);
  ::close(fd);
  CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(answer.find("\"type\":\"request_header_fields_too_large\"") != std::string::npos);
  CHECK(answer.find(std::string(64, 'a')) == std::string::npos);  // never echoed
  CHECK(handled == 0);

  SECTION("a long header that fits is still served") {
    int next = connect_to(server.port());
    std::string fits = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'b') +
                       "\r\nConnection: close\r\n\r\n";
    REQUIRE(::send(next, fits.data(), fits.size(), 0) == static_cast<ssize_t>(fits.size()));
    std::string served = read_until_closed(next, 3000ms);
    ::close(next);
    CHECK(served.rfind("HTTP/1.1 200", 0) == 0);
  }
}
