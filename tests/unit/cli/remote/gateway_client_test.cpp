#include "cli/remote/gateway_client.h"

#include <catch2/catch.hpp>

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
