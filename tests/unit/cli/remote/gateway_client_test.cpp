#include "cli/remote/gateway_client.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include "cli/exit_codes.h"
#include "tests/support/fake_http_client.h"

using smg::cli::GatewayClient;
using smg::cli::RemoteTarget;

namespace {

RemoteTarget target() {
  RemoteTarget target;
  target.server = "http://gw.test";
  target.token = "secret-token-value";
  return target;
}

}  // namespace

TEST_CASE("gateway client: status codes map to exit codes", "[remote]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  GatewayClient client(target(), fake);
  const std::string error = R"({"error":{"type":"x","message":"Worker not found: abc"}})";
  struct Case {
    long status;
    int exit_code;
  };
  for (Case c : {Case{401, 3}, Case{403, 4}, Case{404, 1}, Case{409, 1}, Case{400, 1}, Case{501, 1},
                 Case{503, 1}}) {
    fake->set("http://gw.test/workers", c.status, error);
    auto result = client.call("GET", "/workers");
    REQUIRE_FALSE(result.ok());
    CHECK(smg::cli::exit_code_for(result.status()) == c.exit_code);
    // The gateway's words and the status first; a 401 then says which credential failed.
    CHECK(result.status().message().rfind(
              "Worker not found: abc (HTTP " + std::to_string(c.status) + ")", 0) == 0);
  }
}

TEST_CASE("gateway client: a 2xx answer is its JSON body", "[remote]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  fake->set("http://gw.test/get_loads", 200, R"({"workers":[]})");
  auto result = GatewayClient(target(), fake).call("GET", "/get_loads");
  REQUIRE(result.ok());
  CHECK((*result)["workers"].is_array());
}

TEST_CASE("gateway client: failures name the server and never the token", "[remote][attack]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  GatewayClient client(target(), fake);
  auto refused = client.call("GET", "/workers");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("http://gw.test") != std::string::npos);
  CHECK(smg::cli::exit_code_for(refused.status()) == 1);
  // A server that echoes the request into its error still gets one capped line.
  fake->set("http://gw.test/workers", 500, R"({"error":{"message":"bad\nline"}})");
  auto echoed = client.call("GET", "/workers");
  CHECK(echoed.status().message() == "bad line (HTTP 500)");
  for (const auto& status : {refused.status(), echoed.status()}) {
    CHECK(status.message().find("secret-token-value") == std::string::npos);
  }
}

TEST_CASE("gateway client: a non-JSON error body gives a generic message", "[remote]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  fake->set("http://gw.test/workers", 401, "<html>nope</html>");
  auto result = GatewayClient(target(), fake).call("GET", "/workers");
  CHECK(result.status().message().find("not authenticated") == 0);
  CHECK(smg::cli::exit_code_for(result.status()) == 3);
}

namespace {

// Records the last request and answers at once, or (held) only once `release` is true: at most
// 5 s, so a notice that never comes fails the test instead of hanging it.
class RecordingClient final : public smg::http::HttpClient {
 public:
  RecordingClient() = default;
  explicit RecordingClient(const std::atomic<bool>* release) : release_(release) {}
  smg::Result<smg::http::Response> send(const smg::http::Request& request) const override {
    last = request;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (release_ != nullptr && !release_->load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (request.on_body_chunk) request.on_body_chunk("data: {}\n\n");
    return smg::http::Response{200, {}, "{}"};
  }
  mutable smg::http::Request last;

 private:
  const std::atomic<bool>* release_ = nullptr;
};

// A string stream that says when something was written to it (from the notice's thread).
class SignallingBuffer final : public std::stringbuf {
 public:
  std::atomic<bool> written{false};

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    auto put = std::stringbuf::xsputn(s, n);
    written = true;
    return put;
  }
  int_type overflow(int_type c) override {
    auto put = std::stringbuf::overflow(c);
    written = true;
    return put;
  }
};

}  // namespace

TEST_CASE("gateway client: transport failures in plain words with what to try", "[remote]") {
  using smg::cli::transport_message;
  const std::string url = "http://127.0.0.1:9";
  const auto timeout = std::chrono::seconds(30);
  auto say = [&](const std::string& reason, const std::string& message) {
    return transport_message(smg::unavailable(reason, message), url, timeout);
  };
  CHECK(say("http_connect_failed", "connection refused") ==
        "nothing is listening at http://127.0.0.1:9 (is smgctl serve running? check --server)");
  CHECK(say("http_connect_failed", "no route to the host") ==
        "cannot connect to http://127.0.0.1:9: no route to the host");
  CHECK(say("http_dns_failed", "the host name does not resolve") ==
        "cannot find the host of http://127.0.0.1:9: the name does not resolve (check --server)");
  CHECK(say("http_tls_untrusted", "the server's TLS certificate is not trusted") ==
        "the TLS certificate of http://127.0.0.1:9 is not trusted (pass --cacert FILE with its "
        "CA, or --insecure for a test gateway)");
  CHECK(say("http_tls_failed", "the TLS handshake failed").find("try http://") !=
        std::string::npos);
  CHECK(say("http_bad_answer", "the answer was not HTTP").find("try https://") !=
        std::string::npos);
  CHECK(say("http_partial", "x") ==
        "the gateway at http://127.0.0.1:9 closed the connection "
        "before the answer was complete");
  CHECK(say("http_timeout", "no answer in time") ==
        "no answer from http://127.0.0.1:9 within 30s (--request-timeout; raise it for a slow "
        "gateway, e.g. --request-timeout 2m)");
}

TEST_CASE("gateway client: --request-timeout bounds a call and the start of a stream", "[remote]") {
  auto fake = std::make_shared<RecordingClient>();
  RemoteTarget slow = target();
  slow.request_timeout = std::chrono::seconds(90);
  GatewayClient client(slow, fake);
  REQUIRE(client.call("GET", "/workers").ok());
  CHECK(fake->last.timeout == std::chrono::seconds(90));
  REQUIRE(client
              .stream(
                  "/admin/audit?follow=1", {}, [](std::string_view) { return true; },
                  std::chrono::seconds(45))
              .ok());
  CHECK(fake->last.timeout == std::chrono::milliseconds(0));  // a stream may run for days
  CHECK(fake->last.head_timeout == std::chrono::seconds(90));
  CHECK(fake->last.stall_timeout == std::chrono::seconds(45));
  CHECK(RemoteTarget{}.request_timeout == std::chrono::seconds(30));
}

TEST_CASE("gateway client: a slow answer says waiting for the server once", "[remote]") {
  SignallingBuffer buffer;
  std::ostream notices(&buffer);
  RemoteTarget watched = target();
  watched.wait_notice = &notices;
  REQUIRE(watched.wait_notice_after == std::chrono::seconds(2));
  REQUIRE(GatewayClient(watched, std::make_shared<RecordingClient>()).call("GET", "/x").ok());
  CHECK(buffer.str().empty());  // a quick answer: nothing
  // An answer that comes only after the notice (its delay shortened from 2 s for the test).
  watched.wait_notice_after = std::chrono::milliseconds(20);
  auto slow = std::make_shared<RecordingClient>(&buffer.written);
  REQUIRE(GatewayClient(watched, slow).call("GET", "/x").ok());
  CHECK(buffer.written);
  CHECK(buffer.str() == "waiting for http://gw.test…\n");
}
