// UpstreamClient under reuse and concurrency: keep-alive connections are pooled across requests
// and threads, bounded by the idle timeout, replaced when the worker closed them, and many
// threads sharing one client all get their own answers.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/proxy/upstream_client.h"
#include "tests/support/local_http_server.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/upstream_harness.h"

namespace {

using smg::proxy::UpstreamClient;
using smg::proxy::UpstreamRequest;
using smg::test::LocalHttpServer;
using smg::test::drain;
using smg::test::IoThreads;
using smg::test::open_and_wait;

void add_echo_routes(httplib::Server& http) {
  http.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("hello", "text/plain");
  });
  http.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  // Echoes the body back in two chunks, as a streaming worker would.
  http.Post("/echo_stream", [](const httplib::Request& req, httplib::Response& res) {
    std::string body = req.body;
    res.set_chunked_content_provider("text/plain", [body](size_t, httplib::DataSink& sink) {
      std::size_t half = body.size() / 2;
      sink.write(body.data(), half);
      sink.write(body.data() + half, body.size() - half);
      sink.done();
      return true;
    });
  });
}

bool streamed_echo_matches(const UpstreamClient& client, const std::string& url,
                           const std::string& body) {
  auto stream = open_and_wait(client, {.method = "POST", .url = url, .body = body});
  if (!stream.ok() || (*stream)->status() != 200) {
    return false;
  }
  auto drained = drain(**stream);
  return drained.ended && drained.body == body;
}

}  // namespace

TEST_CASE("upstream: keep-alive connections are reused", "[upstream][reuse]") {
  LocalHttpServer server;
  add_echo_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());

  SECTION("50 sequential requests on one thread") {
    for (int i = 0; i < 50; ++i) {
      auto res = client.send_and_wait({.url = server.url("/ok")});
      REQUIRE(res.ok());
      REQUIRE(res->status == 200);
    }
    CHECK(server.connections() <= 2);
  }
  SECTION("sequential requests from different threads, buffered and streamed") {
    for (int i = 0; i < 20; ++i) {
      bool ok = false;
      std::thread caller([&] {
        std::string body = "request " + std::to_string(i);
        if (i % 2 == 0) {
          auto res = client.send_and_wait({.method = "POST", .url = server.url("/echo"), .body = body});
          ok = res.ok() && res->body == body;
        } else {
          ok = streamed_echo_matches(client, server.url("/echo_stream"), body);
        }
      });
      caller.join();
      REQUIRE(ok);
    }
    CHECK(server.connections() <= 2);
  }
}

TEST_CASE("upstream: idle connections past the idle timeout are not reused", "[upstream][reuse]") {
  LocalHttpServer server;
  add_echo_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime(), {.idle_timeout = std::chrono::milliseconds(200)});
  REQUIRE(client.send_and_wait({.url = server.url("/ok")}).ok());
  REQUIRE(client.send_and_wait({.url = server.url("/ok")}).ok());
  CHECK(server.connections() == 1);
  CHECK(client.idle_connections() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(client.send_and_wait({.url = server.url("/ok")}).ok());
  CHECK(server.connections() == 2);
}

TEST_CASE("upstream: a stream not read to its end is not pooled", "[upstream][reuse]") {
  LocalHttpServer server;
  add_echo_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());
  {
    auto stream = open_and_wait(client, {.method = "POST", .url = server.url("/echo_stream"),
                                         .body = std::string(1000, 'a')});
    REQUIRE(stream.ok());
  }  // dropped unread
  CHECK(client.idle_connections() == 0);
  REQUIRE(client.send_and_wait({.url = server.url("/ok")}).ok());
  CHECK(server.connections() == 2);
}

namespace {

// A worker on a raw socket: each connection answers its first request (keep-alive), then reads
// the next one and closes without answering, as a worker does that drops an idle connection
// just as the gateway reuses it.
class DroppingWorker {
 public:
  DroppingWorker() : fd_(smg::test::bind_loopback(port_, 16)) {
    REQUIRE(fd_ >= 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~DroppingWorker() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepted() const { return accepted_; }

 private:
  static bool read_request(int fd) {
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (::recv(fd, &c, 1, 0) != 1) return false;
      head += c;
    }
    if (head.find("Content-Length: 1\r\n") != std::string::npos) ::recv(fd, &c, 1, 0);
    return true;
  }
  void serve() {
    for (;;) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      ++accepted_;
      if (read_request(client)) {
        std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
        read_request(client);  // the reused connection's request: dropped unanswered
      }
      ::close(client);
    }
  }
  int port_ = 0;  // before fd_: bind_loopback sets it while fd_ is initialised
  int fd_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("upstream: a pooled connection the worker dropped is replaced once", "[upstream][reuse]") {
  DroppingWorker worker;
  IoThreads io;
  for (const char* method : {"GET", "POST"}) {
    UpstreamClient client(io.runtime());  // a pool of its own
    bool post = std::string(method) == "POST";
    UpstreamRequest request{.method = method, .url = worker.url("/x"), .body = post ? "y" : ""};
    auto first = client.send_and_wait(request);
    REQUIRE(first.ok());
    REQUIRE(client.idle_connections() == 1);
    auto second = client.send_and_wait(request);  // reuses it: dropped, retried on a fresh one
    REQUIRE(second.ok());
    CHECK(second->status == 200);
    CHECK(second->body == "ok");
  }
  CHECK(worker.accepted() == 4);
}

TEST_CASE("upstream: 64 threads x 20 requests on one client", "[upstream][concurrency]") {
  constexpr int kThreads = 64;
  constexpr int kRequests = 20;
  LocalHttpServer server(kThreads + 32);
  add_echo_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());

  // Warm the pool with one connection per thread, opened one after another: 64 simultaneous
  // connects would overflow httplib's listen backlog of 5 and stall on SYN retransmits.
  {
    std::vector<std::shared_ptr<smg::proxy::UpstreamStream>> held;
    for (int t = 0; t < kThreads; ++t) {
      auto stream = open_and_wait(client, {.method = "POST", .url = server.url("/echo_stream"),
                                           .body = "w"});
      REQUIRE(stream.ok());
      held.push_back(std::move(*stream));
    }
    for (auto& stream : held) {
      REQUIRE(drain(*stream).ended);
    }
  }
  REQUIRE(server.connections() == kThreads);

  std::atomic<int> correct = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRequests; ++r) {
        std::string body = "thread " + std::to_string(t) + " request " + std::to_string(r);
        bool ok = false;
        if (r % 2 == 0) {
          auto res = client.send_and_wait({.method = "POST", .url = server.url("/echo"), .body = body});
          ok = res.ok() && res->status == 200 && res->body == body;
        } else {
          ok = streamed_echo_matches(client, server.url("/echo_stream"), body);
        }
        correct += ok ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(correct == kThreads * kRequests);
  CHECK(server.connections() == kThreads);  // every request reused a pooled connection
}
