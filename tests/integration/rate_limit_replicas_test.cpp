// Tenant rate limits across three `smgctl serve` replicas sharing one real redis-server
// (server.state.backend: redis), as behind a load balancer: 900 requests spread over the three
// under a 300-a-minute tenant limit admit 300 (plus what the continuous refill, 5 a second, adds
// while they run); Redis killed: each replica falls back to its own limit, never blocks, and
// counts every such decision in smg_rate_limit_fallback_total.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <thread>

#include "tests/support/gateway_fixture.h"
#include "tests/support/redis_server.h"

using namespace std::chrono_literals;
using smg::test::bearer;
using smg::test::chat_body;

namespace {

constexpr const char* kModel = "m1";
constexpr const char* kRedKey = "sk-replicas-red-2d9c41f7";

uint64_t metric_value(const smg::test::GatewayProcess& gateway, const std::string& series) {
  auto res = gateway.client().Get("/metrics", bearer(kRedKey));
  if (!res) return 0;
  std::size_t at = res->body.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stoull(res->body.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("rate limit replicas: 900 requests over three replicas share one 300 a minute limit",
          "[redis][ratelimit][gateway]") {
  smg::test::RedisServer redis;
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("config.yaml"),
                        "server:\n  state:\n    backend: redis\n"
                        "    redis_url_env: SMG_TEST_REDIS_URL\n    timeout_ms: 300\n");
  smg::test::write_file(dir.file("tenants.yaml"),
                        "default_policy: {tokens_per_minute: 100000000, requests_per_minute: 5}\n"
                        "tenants:\n  - tenant_key: \"auth:red\"\n"
                        "    tokens_per_minute: 100000000\n    requests_per_minute: 300\n");
  smg::test::DevWorkerProcess worker({kModel});
  std::vector<std::unique_ptr<smg::test::GatewayProcess>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(std::make_unique<smg::test::GatewayProcess>(
        std::vector<std::string>{"--config", dir.file("config.yaml"), "--worker-urls", worker.url(),
                                 "--tenant-api-key", std::string("red:") + kRedKey,
                                 "--tenant-rate-limit-enabled", "--tenant-rate-limit-config",
                                 dir.file("tenants.yaml")},
        std::map<std::string, std::string>{{"SMG_TEST_REDIS_URL", redis.url()}}));
  }
  for (auto& replica : replicas) {
    REQUIRE(smg::test::poll_until(
        [&] {
          auto res = replica->client().Get("/readiness");
          return res && res->status == 200;
        },
        15s));
  }
  std::atomic<int> admitted{0}, refused{0}, failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {  // two clients per replica, 150 requests each
    threads.emplace_back([&, t] {
      auto client = replicas[t % 3]->client();
      for (int i = 0; i < 150; ++i) {
        auto res = client.Post("/v1/chat/completions", bearer(kRedKey), chat_body(kModel, "hi"),
                               "application/json");
        if (res && res->status == 200) {
          ++admitted;
        } else if (res && res->status == 429) {
          ++refused;
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO("900 requests in " << seconds << " s");
  CHECK(failed == 0);
  CHECK(admitted + refused == 900);
  CHECK(admitted >= 300);
  // Without sharing, three replicas would admit 900. The refill adds 5 a second.
  CHECK(admitted <= 300 + static_cast<int>(std::ceil(seconds * 5)) + 1);
  for (auto& replica : replicas) {
    CHECK(metric_value(*replica, "smg_rate_limit_fallback_total") == 0);
  }

  // Redis gone: each replica decides alone, under its own (unused, full) 300 a minute.
  redis.kill();
  auto outage_started = std::chrono::steady_clock::now();
  int during_outage = 0;
  for (int i = 0; i < 30; ++i) {
    auto res = replicas[i % 3]->client().Post("/v1/chat/completions", bearer(kRedKey),
                                              chat_body(kModel, "hi"), "application/json");
    during_outage += res && res->status == 200;
  }
  CHECK(during_outage == 30);
  CHECK(std::chrono::steady_clock::now() - outage_started < 10s);  // never stuck on Redis
  for (auto& replica : replicas) {
    CHECK(metric_value(*replica, "smg_rate_limit_fallback_total") == 10);
  }
  // Logged once per outage per replica, not once per request.
  replicas[0]->stop();
  CHECK(smg::test::lines_containing(replicas[0]->err(), "fall back to per-replica").size() == 1);
}
