#include "server/ratelimit/limiter_store.h"

namespace smg::ratelimit {

LocalLimiterStore::LocalLimiterStore(const Clock& clock, std::size_t max_scopes)
    : clock_(clock), max_scopes_(max_scopes) {}

int64_t LocalLimiterStore::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             clock_.steady_now().time_since_epoch())
      .count();
}

// At most once a second: under a flood of new scopes with none full, a sweep per request would
// cost the whole map each time.
void LocalLimiterStore::forget_full_buckets(int64_t now_us) {
  if (swept_once_ && now_us - last_sweep_us_ < 1000000) return;
  swept_once_ = true;
  last_sweep_us_ = now_us;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second.state, it->second.limits, now_us);
    if (is_full(it->second.state, it->second.limits)) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

BucketState& LocalLimiterStore::bucket(const ScopeRequest& scope, int64_t now_us) {
  auto found = buckets_.find(scope.key);
  if (found == buckets_.end()) {
    std::string key = scope.key;
    if (buckets_.size() >= max_scopes_) {
      key = "overflow#" + std::to_string(scope.limits.tokens_per_minute) + "/" +
            std::to_string(scope.limits.requests_per_minute);
    }
    found = buckets_.find(key);
    if (found == buckets_.end()) {
      found = buckets_.emplace(key, Entry{full_bucket(scope.limits, now_us), scope.limits}).first;
    }
  }
  refill(found->second.state, found->second.limits, now_us);
  return found->second.state;
}

Decision LocalLimiterStore::reserve(const std::vector<ScopeRequest>& scopes, double tokens) {
  int64_t now = now_us();
  std::lock_guard<std::mutex> lock(mutex_);
  // Room is made before any bucket is looked up: forgetting one later would leave `states`
  // pointing at a freed bucket.
  if (buckets_.size() + scopes.size() > max_scopes_) forget_full_buckets(now);
  Decision decision;
  decision.allowed = true;
  decision.store = this;
  std::vector<BucketState*> states;
  states.reserve(scopes.size());
  for (const ScopeRequest& scope : scopes) {
    BucketState& state = bucket(scope, now);
    states.push_back(&state);
    decision.scopes.push_back(check(state, scope.limits, tokens, 1));
    decision.allowed = decision.allowed && decision.scopes.back().allowed;
  }
  if (decision.allowed) {
    for (BucketState* state : states) debit(*state, tokens, 1);
  }
  return decision;
}

void LocalLimiterStore::settle(const std::vector<ScopeRequest>& scopes, double delta) {
  if (delta == 0) return;
  int64_t now = now_us();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const ScopeRequest& scope : scopes) {
    ratelimit::settle(bucket(scope, now), scope.limits, delta);
  }
}

std::size_t LocalLimiterStore::scope_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.size();
}

}  // namespace smg::ratelimit
