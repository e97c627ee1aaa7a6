// LimiterStore: where the rate-limit counters live. The local store (in-process, per replica) is
// the default; with `server.state.backend: redis` a Redis store keeps them in Redis, updated by
// one atomic script per call so N replicas share one limit (docs/rate-limits.md).
// A reserve() covers all of a request's scopes at once: either every scope is debited or none.
// Thread-safety: implementations are thread-safe; calls never wait on the network for longer
// than the store's timeout.
//
//   LocalLimiterStore store(SystemClock::instance());
//   std::vector<ScopeRequest> scopes{{"auth:team-red", {100000, 300}}};
//   Decision d = store.reserve(scopes, /*tokens=*/512);
//   if (d.allowed) store.settle(scopes, /*delta=*/used - 512);
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock/clock.h"
#include "server/ratelimit/scope_bucket.h"

namespace smg::ratelimit {

struct ScopeRequest {
  std::string key;  // "auth:team-red", "auth:team-red#rule:gpt4"
  ScopeLimits limits;
};

class LimiterStore;

struct Decision {
  bool allowed = false;
  // The store that decided, to settle with: a Redis store's per-replica fallback decides during
  // an outage, and its reservations settle there.
  LimiterStore* store = nullptr;
  // One per scope, in the order asked: what was left before this request's debit.
  std::vector<ScopeCheck> scopes;
};

class LimiterStore {
 public:
  virtual ~LimiterStore() = default;
  // One request of `tokens` tokens against every scope.
  virtual Decision reserve(const std::vector<ScopeRequest>& scopes, double tokens) = 0;
  // `delta` = tokens used − tokens reserved, applied to every scope's token counter.
  virtual void settle(const std::vector<ScopeRequest>& scopes, double delta) = 0;
  virtual const char* name() const = 0;  // "local", "redis"
};

// In-process buckets keyed by scope. Memory is bounded: past max_scopes, buckets that are full
// again (as a new one would be) are forgotten; if none is, the new scope shares one overflow
// bucket per limits, so a flood of distinct client addresses cannot grow the map.
class LocalLimiterStore final : public LimiterStore {
 public:
  static constexpr std::size_t kDefaultMaxScopes = 100000;
  explicit LocalLimiterStore(const Clock& clock, std::size_t max_scopes = kDefaultMaxScopes);

  Decision reserve(const std::vector<ScopeRequest>& scopes, double tokens) override;
  void settle(const std::vector<ScopeRequest>& scopes, double delta) override;
  const char* name() const override { return "local"; }
  std::size_t scope_count() const;

 private:
  BucketState& bucket(const ScopeRequest& scope, int64_t now_us);
  void forget_full_buckets(int64_t now_us);
  int64_t now_us() const;

  const Clock& clock_;
  std::size_t max_scopes_;
  mutable std::mutex mutex_;
  struct Entry {
    BucketState state;
    ScopeLimits limits;
  };
  std::unordered_map<std::string, Entry> buckets_;
  bool swept_once_ = false;
  int64_t last_sweep_us_ = 0;
};

}  // namespace smg::ratelimit
