// The Redis rate-limit store against a real redis-server on loopback: three stores (three
// replicas' worth, each with its own client and connections) share one limit exactly; Redis
// killed → each falls back to its per-replica limit, counted; Redis back → shared again.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "server/metrics/metrics.h"
#include "server/ratelimit/redis_limiter_store.h"
#include "server/ratelimit/tenant_limiter.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace std::chrono_literals;
using namespace smg::ratelimit;
using smg::test::RedisServer;

namespace {

smg::redis::ClientOptions options_for(const RedisServer& server) {
  auto url = smg::redis::parse_redis_url(server.url());
  REQUIRE(url.ok());
  smg::redis::ClientOptions options;
  options.url = *url;
  options.connect_timeout = 200ms;
  options.command_timeout = 200ms;
  options.reconnect_cooldown = 100ms;
  return options;
}

struct Replica {
  Replica(const RedisServer& server, const smg::Clock& clock)
      : client(options_for(server)), store(client, store_options(clock), metrics) {}
  static RedisStoreOptions store_options(const smg::Clock& clock) {
    RedisStoreOptions o;
    o.clock = &clock;
    return o;
  }
  smg::redis::RedisClient client;
  smg::metrics::Registry metrics;
  RedisLimiterStore store;
};

const std::vector<ScopeRequest> kTenant{{"auth:team-red", {1000000, 300}}};

}  // namespace

TEST_CASE("rate limit redis: 900 requests over three replicas admit exactly 300",
          "[redis][ratelimit]") {
  RedisServer server;
  smg::FixedClock clock(5000);  // no refill while the test runs: the count is exact
  std::vector<std::unique_ptr<Replica>> replicas;
  for (int i = 0; i < 3; ++i) replicas.push_back(std::make_unique<Replica>(server, clock));
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (auto& replica : replicas) {
    // Two threads per replica, 150 requests each: the script must be atomic across them all.
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 150; ++i) {
          if (replica->store.reserve(kTenant, 10).allowed) ++admitted;
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  CHECK(admitted == 300);
  for (auto& replica : replicas) CHECK(replica->store.fallbacks() == 0);
  Decision refused = replicas[0]->store.reserve(kTenant, 10);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.scopes[0].retry_after_secs == 1);  // 300 a minute: 5 a second
  clock.advance(1);
  int after_a_second = 0;
  for (int i = 0; i < 20; ++i)
    after_a_second += replicas[i % 3]->store.reserve(kTenant, 10).allowed;
  CHECK(after_a_second == 5);
}

TEST_CASE("rate limit redis: tokens settle across replicas", "[redis][ratelimit]") {
  RedisServer server;
  smg::FixedClock clock(5000);
  Replica a(server, clock), b(server, clock);
  std::vector<ScopeRequest> scopes{{"auth:t", {1000, 100}}, {"auth:t#rule:big", {600, 100}}};
  Decision first = a.store.reserve(scopes, 500);
  REQUIRE(first.allowed);
  CHECK_FALSE(b.store.reserve(scopes, 500).allowed);  // the rule's 600 has 100 left
  a.store.settle(scopes, -450);                       // used 50 of the 500
  a.store.drain();
  CHECK(b.store.reserve(scopes, 500).allowed);
}

TEST_CASE("rate limit redis: Redis killed falls back per replica, counted, then recovers",
          "[redis][ratelimit]") {
  RedisServer server;
  smg::FixedClock clock(5000);
  Replica a(server, clock), b(server, clock);
  std::vector<ScopeRequest> scopes{{"auth:t", {1000000, 4}}};
  CHECK(a.store.reserve(scopes, 1).allowed);
  CHECK(b.store.reserve(scopes, 1).allowed);
  server.kill();
  // Each replica now has its own 4 a minute: 8 in all, never blocked, every one counted.
  int admitted = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    admitted += a.store.reserve(scopes, 1).allowed;
    admitted += b.store.reserve(scopes, 1).allowed;
  }
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(admitted == 8);
  CHECK(a.store.fallbacks() == 10);
  CHECK(b.store.fallbacks() == 10);
  CHECK(a.metrics.render().find("smg_rate_limit_fallback_total 10") != std::string::npos);
  server.start();
  // Back: the shared (new, empty) counters decide again, with no fallback.
  REQUIRE(smg::test::eventually([&] {
    uint64_t before = a.store.fallbacks();
    bool allowed = a.store.reserve(scopes, 1).allowed;
    return allowed && a.store.fallbacks() == before;
  }));
  int shared = 1;
  for (int i = 0; i < 6; ++i) shared += (i % 2 ? a : b).store.reserve(scopes, 1).allowed;
  CHECK(shared == 4);
}
