// A tenant rate-limit check's cost per request (TenantLimiter::admit: tenant key, policy, model
// rule, one reservation), with the local store and with the Redis store on loopback, in one run.
// The Redis case needs SMG_BENCH_REDIS_URL (bench/rate_limit.sh starts a redis-server for it);
// without it that case reports an error and the local one still runs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "server/metrics/metrics.h"
#include "server/ratelimit/redis_limiter_store.h"
#include "server/ratelimit/tenant_limiter.h"

namespace {

using namespace smg::ratelimit;

std::shared_ptr<const TenantLimitConfig> config() {
  // Limits no run reaches: every check is a full refill-check-debit, never a refusal.
  auto parsed = parse_tenant_limit_config(R"(
default_policy: {tokens_per_minute: 4000000000, requests_per_minute: 4000000000}
tenants:
  - tenant_key: "auth:team-red"
    tokens_per_minute: 4000000000
    requests_per_minute: 4000000000
    model_rules:
      - {rule_id: gpt4, matcher: {type: prefix, value: gpt-4}, tokens_per_minute: 4000000000,
         requests_per_minute: 4000000000}
)",
                                          "bench.yaml");
  return std::make_shared<const TenantLimitConfig>(std::move(*parsed));
}

void run(benchmark::State& state, TenantLimiter& limiter) {
  smg::Principal red;
  red.subject = "auth:team-red";
  red.auth_method = smg::AuthMethod::kApiKey;
  for (auto _ : state) {
    auto admitted = limiter.admit({&red, "10.0.0.1", "gpt-4o", 812});
    if (!admitted.reservation) state.SkipWithError("refused");
    admitted.reservation->settle(700);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RateLimitCheck_Local(benchmark::State& state) {
  smg::metrics::Registry metrics;
  LocalLimiterStore store(smg::SystemClock::instance());
  TenantLimiter limiter(config(), store, metrics);
  run(state, limiter);
}

void BM_RateLimitCheck_Redis(benchmark::State& state) {
  const char* url_text = std::getenv("SMG_BENCH_REDIS_URL");
  if (url_text == nullptr) {
    state.SkipWithError("SMG_BENCH_REDIS_URL not set");
    return;
  }
  auto url = smg::redis::parse_redis_url(url_text);
  if (!url.ok()) {
    state.SkipWithError("bad SMG_BENCH_REDIS_URL");
    return;
  }
  smg::redis::ClientOptions options;
  options.url = *url;
  smg::redis::RedisClient client(options);
  smg::metrics::Registry metrics;
  RedisLimiterStore store(client, RedisStoreOptions{}, metrics);
  TenantLimiter limiter(config(), store, metrics);
  run(state, limiter);
  store.drain();
  if (store.fallbacks() > 0) state.SkipWithError("Redis unreachable: fell back");
}

}  // namespace

BENCHMARK(BM_RateLimitCheck_Local)->UseRealTime();
BENCHMARK(BM_RateLimitCheck_Redis)->UseRealTime();
BENCHMARK_MAIN();
