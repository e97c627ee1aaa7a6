#include "cli/remote/wait_ready.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/fake_http_client.h"

namespace {

// Answers every request with a pending worker and counts them.
class PendingWorker final : public smg::http::HttpClient {
 public:
  smg::Result<smg::http::Response> send(const smg::http::Request&) const override {
    ++sent;
    return smg::http::Response{200, {}, R"({"id":"w-1","status":"pending"})"};
  }
  mutable int sent = 0;
};

}  // namespace

TEST_CASE("wait ready: a worker that never gets ready is polled with back-off, then times out",
          "[remote]") {
  auto fake = std::make_shared<PendingWorker>();
  smg::cli::RemoteTarget target;
  target.server = "http://gw.test";
  smg::cli::GatewayClient client(target, fake);
  std::ostringstream err;
  smg::cli::CliContext context;
  context.err = &err;
  auto result =
      smg::cli::wait_until_ready(client, "w-1", std::chrono::milliseconds(1500), context);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().reason() == "worker_not_ready");
  CHECK(result.status().message() == "worker w-1 is still pending after 1s");
  // 200, 400, 800 ms, then what is left of 1.5 s: five polls at most (a fixed 200 ms made eight).
  CHECK(fake->sent >= 4);
  CHECK(fake->sent <= 5);
  CHECK(err.str().empty());  // progress only on a terminal
}

TEST_CASE("wait ready: a ready worker is returned at the first poll", "[remote]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  const std::string url = "http://gw.test/workers/w-1";
  fake->set(url, 200, R"({"id":"w-1","status":"ready"})");
  smg::cli::RemoteTarget target;
  target.server = "http://gw.test";
  smg::cli::GatewayClient client(target, fake);
  smg::cli::CliContext context;
  auto result = smg::cli::wait_until_ready(client, "w-1", std::chrono::seconds(5), context);
  REQUIRE(result.ok());
  CHECK((*result)["status"] == "ready");
  CHECK(fake->count(url) == 1);
}

TEST_CASE("wait ready: on timeout the worker's last health-check failure says why", "[remote]") {
  auto fake = std::make_shared<smg::test::FakeHttpClient>();
  fake->set(
      "http://gw.test/workers/w-1", 200,
      R"({"id":"w-1","status":"pending","last_error":"connection refused\n\u001b[2Jforged"})");
  smg::cli::RemoteTarget target;
  target.server = "http://gw.test";
  smg::cli::GatewayClient client(target, fake);
  smg::cli::CliContext context;
  auto result = smg::cli::wait_until_ready(client, "w-1", std::chrono::milliseconds(300), context);
  REQUIRE_FALSE(result.ok());
  // One line: the gateway's text cannot move the cursor or add lines on the user's terminal.
  CHECK(result.status().message() ==
        "worker w-1 is still pending after 0s: last health check: connection refused  [2Jforged");
}
