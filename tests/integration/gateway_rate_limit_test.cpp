// Rate limits through `smgctl serve` and the dev worker: SMG's admission bucket refill
// (--rate-limit-tokens-per-second) and the tenant limits (--tenant-rate-limit-config).
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "tests/support/gateway_fixture.h"
#include "tests/support/process.h"

using nlohmann::json;
using smg::test::bearer;
using smg::test::chat_body;
using smg::test::json_body;

namespace {

constexpr const char* kModel = "m1";
constexpr const char* kRedKey = "sk-ratetest-red-5b1f03aa";
constexpr const char* kBlueKey = "sk-ratetest-blue-93c7d410";

const char* kTenantConfig = R"(default_policy:
  tokens_per_minute: 100000
  requests_per_minute: 3
tenants:
  - tenant_key: "auth:red"
    tokens_per_minute: 1000
    requests_per_minute: 2
)";

std::string chat_with_max_tokens(int max_tokens, bool stream = false) {
  json body = json::parse(chat_body(kModel, "hi there", stream));
  body["max_tokens"] = max_tokens;
  return body.dump();
}

smg::test::GatewayFixtureOptions tenant_gateway(const smg::test::TempDir& dir,
                                                const std::string& config) {
  smg::test::write_file(dir.file("tenants.yaml"), config);
  return smg::test::fixture_options(
      1,
      {"--tenant-api-key", std::string("red:") + kRedKey, "--tenant-api-key",
       std::string("blue:") + kBlueKey, "--tenant-rate-limit-enabled", "--tenant-rate-limit-config",
       dir.file("tenants.yaml")},
      {kModel});
}

int retry_after(const httplib::Result& res) {
  std::string value = res->get_header_value("Retry-After");
  return value.empty() ? -1 : std::stoi(value);
}

}  // namespace

TEST_CASE("rate limit: a tenant past its requests per minute gets 429 with the IETF headers",
          "[gateway][ratelimit]") {
  smg::test::TempDir dir;
  smg::test::GatewayFixture fx(tenant_gateway(dir, kTenantConfig));
  REQUIRE(fx.wait_until_healthy(1));
  auto client = fx.gateway().client();
  auto chat = [&](const char* key) {
    return client.Post("/v1/chat/completions", bearer(key), chat_body(kModel, "hi"),
                       "application/json");
  };
  for (int i = 0; i < 2; ++i) {
    auto ok = chat(kRedKey);
    REQUIRE(ok);
    CHECK(ok->status == 200);
  }
  auto forwarded = fx.worker(0).stats()["requests"];
  auto refused = chat(kRedKey);
  REQUIRE(refused);
  CHECK(refused->status == 429);
  auto body = json_body(refused);
  CHECK(body["error"]["code"] == "tenant_rate_limit_exceeded");
  CHECK(body["error"]["message"] == "Tenant rate limit exceeded for this request");
  // 2 a minute: one back every 30 s; a little of it may have passed already.
  CHECK(retry_after(refused) >= 29);
  CHECK(retry_after(refused) <= 30);
  CHECK(refused->get_header_value("RateLimit-Policy") == "\"rpm\";q=2;w=60, \"tpm\";q=1000;w=60");
  CHECK(refused->get_header_value("RateLimit").rfind("\"rpm\";r=0;t=", 0) == 0);
  CHECK(fx.worker(0).stats()["requests"] == forwarded);  // the refused one never reached it

  // Another API key is another tenant, under the default policy (3 a minute).
  for (int i = 0; i < 3; ++i) {
    auto ok = chat(kBlueKey);
    REQUIRE(ok);
    CHECK(ok->status == 200);
  }
  auto blue_refused = chat(kBlueKey);
  REQUIRE(blue_refused);
  CHECK(blue_refused->status == 429);
  CHECK(retry_after(blue_refused) >= 19);
  CHECK(retry_after(blue_refused) <= 20);
  CHECK(blue_refused->get_header_value("RateLimit-Policy") ==
        "\"rpm\";q=3;w=60, \"tpm\";q=100000;w=60");
}

TEST_CASE("rate limit: tokens per minute reserve max_tokens and settle from the worker's usage",
          "[gateway][ratelimit]") {
  smg::test::TempDir dir;
  smg::test::GatewayFixture fx(tenant_gateway(dir, R"(default_policy:
  tokens_per_minute: 100000
  requests_per_minute: 100
tenants:
  - tenant_key: "auth:red"
    tokens_per_minute: 1000
    requests_per_minute: 100
)"));
  REQUIRE(fx.wait_until_healthy(1));
  auto client = fx.gateway().client();
  auto send = [&](int max_tokens, bool stream = false) {
    return client.Post("/v1/chat/completions", bearer(kRedKey),
                       chat_with_max_tokens(max_tokens, stream), "application/json");
  };
  // 700 of 1000 reserved each time; the worker reports a few tokens, so the next fits again.
  for (int i = 0; i < 3; ++i) {
    auto ok = send(700);
    REQUIRE(ok);
    CHECK(ok->status == 200);
  }
  // A stream without include_usage reports nothing: its reservation is its charge.
  auto streamed = send(700, true);
  REQUIRE(streamed);
  CHECK(streamed->status == 200);
  auto refused = send(700);
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(json_body(refused)["error"]["code"] == "tenant_rate_limit_exceeded");
  // Some 400 tokens short at 1000 a minute: about 25 s.
  CHECK(retry_after(refused) >= 10);
  CHECK(retry_after(refused) <= 40);
  CHECK(refused->get_header_value("RateLimit").find("\"tpm\";r=") != std::string::npos);
  auto small = send(100);  // still fits what is left
  REQUIRE(small);
  CHECK(small->status == 200);
}

TEST_CASE("rate limit: a bad tenant config stops serve with FILE:LINE", "[gateway][ratelimit]") {
  smg::test::TempDir dir;
  std::string path = dir.file("tenants.yaml");
  smg::test::write_file(path,
                        "default_policy:\n  tokens_per_minute: 10\n  requests_per_minute: -5\n");
  auto run = smg::test::run_smgctl({"serve", "--port", "0", "--worker-urls", "http://127.0.0.1:9",
                                    "--tenant-rate-limit-enabled", "--tenant-rate-limit-config",
                                    path, "--data-dir", dir.file("data")});
  CHECK(run.exit_code != 0);
  CHECK(run.err.find(path + ":3: default_policy.requests_per_minute: must be a whole number") !=
        std::string::npos);
  auto missing = smg::test::run_smgctl(
      {"serve", "--port", "0", "--tenant-rate-limit-enabled", "--data-dir", dir.file("data")});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("--tenant-rate-limit-config") != std::string::npos);
}

TEST_CASE("rate limit: --rate-limit-tokens-per-second refills the admission bucket",
          "[gateway][ratelimit][admission]") {
  smg::test::GatewayFixture fx(
      smg::test::fixture_options(1,
                                 {"--max-concurrent-requests", "1", "--queue-size", "0",
                                  "--rate-limit-tokens-per-second", "2"},
                                 {kModel}));
  REQUIRE(fx.wait_until_healthy(1));
  auto slow = std::async(std::launch::async, [&] {
    return fx.gateway().client().Post("/v1/chat/completions", {{"x-dev-delay-ms", "2500"}},
                                      chat_body(kModel, "slow"), "application/json");
  });
  REQUIRE(smg::test::poll_until([&] { return fx.worker(0).stats()["in_flight"] == 1; },
                                std::chrono::seconds(5)));
  auto client = fx.gateway().client();
  // The token the slow request took comes back by refill (2 a second) long before it ends.
  bool admitted_while_slow_runs = smg::test::poll_until(
      [&] {
        auto res =
            client.Post("/v1/chat/completions", chat_body(kModel, "fast"), "application/json");
        if (res && res->status == 429) {
          CHECK(json_body(res)["error"]["code"] == "admission_queue_full");
          CHECK(res->get_header_value("Retry-After") == "2");
        }
        return res && res->status == 200 && fx.worker(0).stats()["in_flight"] == 1;
      },
      std::chrono::milliseconds(2000));
  CHECK(admitted_while_slow_runs);
  auto slow_result = slow.get();
  REQUIRE(slow_result);
  CHECK(slow_result->status == 200);
}
