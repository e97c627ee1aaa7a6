// RedisLimiterStore: the rate-limit counters in Redis, shared by every replica
// (`server.state.backend: redis`). One Lua script (EVALSHA, EVAL on NOSCRIPT) refills, checks and
// debits all of a request's scopes atomically, on Redis's own clock (TIME), so N replicas
// together admit what one would. Each scope is one hash `<prefix>rl:{<tenant>}…` (the hash tag
// keeps a tenant's scopes in one Redis Cluster slot) that expires once it would be full again.
//
// Redis unreachable (or answering errors): the decision falls back to a per-replica local store
// with the same limits, counted in smg_rate_limit_fallback_total and logged once per outage; the
// Redis client's own cooldown makes calls during an outage fail at once, not wait each. Settling
// (called from the thread that completes a response, possibly an I/O thread) never calls Redis
// on the caller's thread: settlements queue (bounded; overflow dropped and counted) for a thread
// of the store's own.
// Thread-safety: thread-safe. reserve() blocks for at most the client's timeouts: call it on the
// blocking pool (the gateway's data-plane handlers run there).
//
//   redis::RedisClient client({.url = *url, .command_timeout = std::chrono::milliseconds(200)});
//   RedisLimiterStore store(client, {.key_prefix = "smg:"}, metrics);
//   Decision d = store.reserve({{"auth:team-red", {100000, 300}}}, 512);
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "server/metrics/metrics.h"
#include "server/ratelimit/limiter_store.h"

namespace smg::ratelimit {

struct RedisStoreOptions {
  std::string key_prefix = "smg:";
  std::size_t settle_queue_size = 10000;
  // Null: Redis's TIME is the clock (production; replicas' clocks never matter). Tests pass a
  // FixedClock to make refills exact.
  const Clock* clock = nullptr;
};

class RedisLimiterStore final : public LimiterStore {
 public:
  RedisLimiterStore(redis::RedisClient& client, RedisStoreOptions options,
                    metrics::Registry& metrics);
  ~RedisLimiterStore() override;  // settles what is queued, then stops its thread

  Decision reserve(const std::vector<ScopeRequest>& scopes, double tokens) override;
  void settle(const std::vector<ScopeRequest>& scopes, double delta) override;
  const char* name() const override { return "redis"; }

  uint64_t fallbacks() const { return fallbacks_.value(); }
  // Waits until every queued settlement has been sent (tests, shutdown).
  void drain();

 private:
  struct Settlement {
    std::vector<ScopeRequest> scopes;
    double delta;
  };
  std::vector<std::string> keys_of(const std::vector<ScopeRequest>& scopes) const;
  std::vector<std::string> args_of(const std::vector<ScopeRequest>& scopes, double amount) const;
  Decision fall_back(const std::vector<ScopeRequest>& scopes, double tokens, const Status& why);
  void settle_loop();
  void send_settlement(const Settlement& settlement);

  redis::RedisClient& client_;
  RedisStoreOptions options_;
  LocalLimiterStore local_;  // the per-replica fallback
  metrics::Counter& fallbacks_;
  metrics::Counter& settle_dropped_;
  std::atomic<bool> in_outage_{false};

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Settlement> queue_;
  std::size_t sending_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace smg::ratelimit
