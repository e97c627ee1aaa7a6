// UpstreamClient against a local cpp-httplib worker: buffered and streamed exchanges, relayed
// worker errors, client disconnects (cancel) and transport failures. Load and reuse tests live in
// upstream_client_load_test.cpp.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

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
using smg::test::Signal;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kHandlerWait{5000};

// A loopback TCP socket that is bound (and listening when asked) but never accepts.
class SilentSocket {
 public:
  explicit SilentSocket(bool listening) : fd_(smg::test::bind_loopback(port_, listening ? 16 : 0)) {
    REQUIRE(fd_ >= 0);
  }
  ~SilentSocket() { ::close(fd_); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int port_ = 0;  // before fd_: bind_loopback sets it while fd_ is initialised
  int fd_;
};

// Writes `tick` chunks until the client is gone (then sets `gone`) or 10 s pass.
bool write_until_gone(httplib::DataSink& sink, Signal& gone) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < deadline) {
    if (!sink.write("tick\n", 5)) {
      gone.set();
      return false;
    }
    std::this_thread::sleep_for(milliseconds(10));  // the worker's token rate, not a sync
  }
  return false;
}

void add_basic_routes(httplib::Server& http) {
  http.Get("/ok", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Worker", "w1");
    res.set_content("hello", "text/plain");
  });
  http.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Got-Content-Type", req.get_header_value("Content-Type"));
    res.set_header("X-Got-Accept", req.get_header_value("Accept"));
    res.set_header("X-Got-Auth", req.get_header_value("Authorization"));
    res.set_content(req.body, "application/octet-stream");
  });
  http.Get("/fail", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(R"({"error":"boom"})", "application/json");
  });
  http.Get("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  http.Get("/redirect", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/ok");
  });
}

}  // namespace

TEST_CASE("upstream: send relays the worker's status, headers and body", "[upstream]") {
  LocalHttpServer server;
  add_basic_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());

  SECTION("200 with headers; hop-by-hop headers dropped") {
    auto res = client.send_and_wait({.url = server.url("/ok")});
    REQUIRE(res.ok());
    CHECK(res->status == 200);
    CHECK(res->body == "hello");
    CHECK(res->header("x-worker") == "w1");
    CHECK_FALSE(res->header("Connection").has_value());
    CHECK_FALSE(res->header("Keep-Alive").has_value());
  }
  SECTION("500 is a response, not an error") {
    auto res = client.send_and_wait({.url = server.url("/fail")});
    REQUIRE(res.ok());
    CHECK(res->status == 500);
    CHECK(res->body == R"({"error":"boom"})");
  }
  SECTION("POST sends the body and only the caller's headers") {
    auto res = client.send_and_wait({.method = "POST",
                            .url = server.url("/echo"),
                            .headers = {{"Authorization", "Bearer worker-key"}},
                            .body = "{\"prompt\":\"hi\"}"});
    REQUIRE(res.ok());
    CHECK(res->body == "{\"prompt\":\"hi\"}");
    CHECK(res->header("X-Got-Auth") == "Bearer worker-key");
    CHECK(res->header("X-Got-Content-Type") == "");  // no default type is added
    CHECK(res->header("X-Got-Accept") == "");
  }
  SECTION("redirects are not followed") {
    auto res = client.send_and_wait({.url = server.url("/redirect")});
    REQUIRE(res.ok());
    CHECK(res->status == 302);
  }
  SECTION("proxy environment variables are ignored") {
    ::setenv("http_proxy", "http://127.0.0.1:9", 1);
    auto res = client.send_and_wait({.url = server.url("/ok")});
    ::unsetenv("http_proxy");
    REQUIRE(res.ok());
    CHECK(res->status == 200);
  }
}

TEST_CASE("upstream: send caps the response body", "[upstream]") {
  LocalHttpServer server;
  add_basic_routes(server.http());
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime(), {.max_response_bytes = 1000});
  auto res = client.send_and_wait({.url = server.url("/big")});
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().reason() == "upstream_too_large");
  CHECK(smg::proxy::http_status_for(res.status()) == 502);
}

TEST_CASE("upstream: open returns the head first, then relays chunks as they arrive",
          "[upstream][stream]") {
  Signal head_seen, chunk1_seen;  // declared before the server: its handlers use them
  std::atomic<bool> head_before_body = false, chunk1_before_chunk2 = false;
  LocalHttpServer server;
  server.http().Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Stream", "yes");
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      head_before_body = head_seen.wait_for(kHandlerWait);
      sink.write("data: 1\n\n", 9);
      chunk1_before_chunk2 = chunk1_seen.wait_for(kHandlerWait);
      sink.write("data: 2\n\n", 9);
      sink.done();
      return true;
    });
  });
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());

  auto stream = open_and_wait(client, {.url = server.url("/stream")});
  REQUIRE(stream.ok());
  CHECK((*stream)->status() == 201);
  CHECK((*stream)->header("x-stream") == "yes");
  head_seen.set();

  auto drained = drain(**stream, [&](const std::string& body) {
    if (body.find("data: 1\n\n") != std::string::npos) {
      chunk1_seen.set();
    }
  });
  CHECK(drained.ended);
  CHECK(drained.body == "data: 1\n\ndata: 2\n\n");
  CHECK((*stream)->end_status().ok());
  CHECK((*stream)->bytes_relayed() == 18);
  CHECK(head_before_body);
  CHECK(chunk1_before_chunk2);
}

TEST_CASE("upstream: a worker error on a stream is relayed with its body", "[upstream][stream]") {
  LocalHttpServer server;
  server.http().Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content(R"({"error":"overloaded"})", "application/json");
  });
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());
  auto stream = open_and_wait(client, {.method = "POST", .url = server.url("/v1/chat/completions"),
                             .body = "{}"});
  REQUIRE(stream.ok());
  CHECK((*stream)->status() == 503);
  CHECK((*stream)->header("Content-Type") == "application/json");
  auto drained = drain(**stream);
  CHECK(drained.ended);
  CHECK(drained.body == R"({"error":"overloaded"})");
}

TEST_CASE("upstream: a client that leaves aborts the worker's stream", "[upstream][stream]") {
  Signal worker_saw_close, release_silence;
  LocalHttpServer server;
  server.http().Get("/endless", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      return write_until_gone(sink, worker_saw_close);
    });
  });
  server.http().Get("/silent", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      sink.write("first\n", 6);
      release_silence.wait_for(kHandlerWait);  // the worker thinks for a long time
      return write_until_gone(sink, worker_saw_close);
    });
  });
  server.start();
  IoThreads io;
  UpstreamClient client(io.runtime());

  SECTION("cancel during a stream") {
    auto stream = open_and_wait(client, {.url = server.url("/endless")});
    REQUIRE(stream.ok());
    auto first = smg::test::pull_once(**stream);
    CHECK_FALSE(first.failed);
    (*stream)->cancel();
    auto drained = drain(**stream);
    CHECK(drained.failed);
    CHECK((*stream)->end_status().reason() == "upstream_aborted");
    CHECK(worker_saw_close.wait_for(kHandlerWait));
  }
  SECTION("cancel while the worker is silent ends the pending pull at once") {
    auto stream = open_and_wait(client, {.url = server.url("/silent")});
    REQUIRE(stream.ok());
    CHECK(smg::test::pull_once(**stream).bytes == "first\n");
    auto pending = std::async(std::launch::async, [&] { return smg::test::pull_once(**stream); });
    std::this_thread::sleep_for(milliseconds(200));  // the pull waits on a silent worker
    auto cancelled_at = Clock::now();
    (*stream)->cancel();
    auto piece = pending.get();
    CHECK(piece.failed);
    CHECK(Clock::now() - cancelled_at < milliseconds(100));  // no polling: at once
    CHECK((*stream)->end_status().reason() == "upstream_aborted");
    release_silence.set();
    CHECK(worker_saw_close.wait_for(kHandlerWait));
  }
  SECTION("destroying an unread stream") {
    auto stream = open_and_wait(client, {.url = server.url("/endless")});
    REQUIRE(stream.ok());
    stream->reset();
    CHECK(worker_saw_close.wait_for(kHandlerWait));
  }
  release_silence.set();
}

TEST_CASE("upstream: transport failures become statuses", "[upstream]") {
  IoThreads io;
  UpstreamClient client(io.runtime());
  SECTION("connection refused") {
    SilentSocket closed(false);
    auto res = client.send_and_wait({.url = closed.url("/ok"), .connect_timeout = milliseconds(2000)});
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().reason() == "upstream_connect_failed");
    CHECK(smg::proxy::http_status_for(res.status()) == 502);
    auto stream = open_and_wait(client, {.url = closed.url("/ok")});
    REQUIRE_FALSE(stream.ok());
    CHECK(stream.status().reason() == "upstream_connect_failed");
  }
  SECTION("a worker that never answers") {
    SilentSocket silent(true);
    auto started = Clock::now();
    auto res = client.send_and_wait({.url = silent.url("/ok"), .timeout = milliseconds(300)});
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().reason() == "upstream_timeout");
    CHECK(smg::proxy::http_status_for(res.status()) == 504);
    CHECK(Clock::now() - started < milliseconds(3000));
    auto stream = open_and_wait(client, {.url = silent.url("/ok"), .timeout = milliseconds(300)});
    REQUIRE_FALSE(stream.ok());
    CHECK(stream.status().reason() == "upstream_timeout");
  }
  SECTION("cancel abandons a slow request") {
    SilentSocket silent(true);
    std::promise<smg::Result<smg::proxy::UpstreamResponse>> answered;
    auto call = client.send({.url = silent.url("/ok")},
                            [&](smg::Result<smg::proxy::UpstreamResponse> r) {
                              answered.set_value(std::move(r));
                            });
    std::this_thread::sleep_for(milliseconds(150));
    auto cancelled_at = Clock::now();
    call->cancel();
    auto res = answered.get_future().get();
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().reason() == "upstream_aborted");
    CHECK(Clock::now() - cancelled_at < milliseconds(100));
  }
  SECTION("URLs it cannot serve") {
    auto res = client.send_and_wait({.url = "ftp://127.0.0.1/x"});
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().reason() == "upstream_connect_failed");
  }
  SECTION("link-local addresses are refused") {
    auto res = client.send_and_wait({.url = "http://169.254.169.254/latest/meta-data",
                                     .connect_timeout = milliseconds(500)});
    REQUIRE_FALSE(res.ok());
    CHECK(res.status().reason() == "upstream_connect_failed");
  }
}
