// UpstreamClient under reuse and concurrency: keep-alive connections are pooled across requests
// and threads, and many threads sharing one client all get their own answers.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/proxy/upstream_client.h"
#include "tests/support/local_http_server.h"
#include "tests/support/recording_sink.h"

namespace {

using smg::proxy::UpstreamClient;
using smg::test::LocalHttpServer;
using smg::test::RecordingSink;

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
  auto stream = client.open({.method = "POST", .url = url, .body = body, .stream = true});
  if (!stream.ok() || (*stream)->status() != 200) {
    return false;
  }
  RecordingSink sink;
  return (*stream)->pump(sink) && sink.body == body;
}

}  // namespace

TEST_CASE("upstream: keep-alive connections are reused", "[upstream][reuse]") {
  LocalHttpServer server;
  add_echo_routes(server.http());
  server.start();
  UpstreamClient client;

  SECTION("50 sequential requests on one thread") {
    for (int i = 0; i < 50; ++i) {
      auto res = client.send({.url = server.url("/ok")});
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
          auto res = client.send({.method = "POST", .url = server.url("/echo"), .body = body});
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

TEST_CASE("upstream: lanes idle past their TTL close their connections", "[upstream][reuse]") {
  LocalHttpServer server;
  add_echo_routes(server.http());
  server.start();
  UpstreamClient client({.idle_lane_ttl = std::chrono::seconds(0)});
  auto open_two = [&] {
    auto first = client.open({.url = server.url("/ok")});
    auto second = client.open({.url = server.url("/ok")});
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    RecordingSink sink;
    CHECK((*first)->pump(sink));
    CHECK((*second)->pump(sink));
  };  // the second lane's release expires the first: one pooled connection is left
  open_two();
  CHECK(server.connections() == 2);
  open_two();
  CHECK(server.connections() == 3);
}

TEST_CASE("upstream: 64 threads x 20 requests on one client", "[upstream][concurrency]") {
  constexpr int kThreads = 64;
  constexpr int kRequests = 20;
  LocalHttpServer server(kThreads + 32);
  add_echo_routes(server.http());
  server.start();
  UpstreamClient client;

  // Warm the pool with one connection per thread, opened one after another: 64 simultaneous
  // connects would overflow httplib's listen backlog of 5 and stall on SYN retransmits.
  {
    std::vector<std::unique_ptr<smg::proxy::UpstreamStream>> held;
    for (int t = 0; t < kThreads; ++t) {
      auto stream = client.open({.method = "POST", .url = server.url("/echo_stream"), .body = "w"});
      REQUIRE(stream.ok());
      held.push_back(std::move(*stream));
    }
    for (auto& stream : held) {
      RecordingSink sink;
      REQUIRE(stream->pump(sink));
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
          auto res = client.send({.method = "POST", .url = server.url("/echo"), .body = body});
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
