// The arithmetic of one rate-limit scope (a tenant, or a tenant's model rule), SMG's engine: two
// continuous-refill counters, requests and tokens, each holding at most its per-minute limit and
// refilled at limit/60 a second. A request is admitted when both counters cover it; the tokens
// reserved for it are settled later against the worker's reported usage, which may push the
// token counter below zero (debt: a completion may use more than was reserved) but never above
// its limit. A reservation larger than the whole token limit is admitted once the token counter
// is full (and leaves debt) rather than never. Pure functions on a plain state, so the local store
// and the Redis script (the same formulas in Lua) agree, and tests drive time by hand.
//
//   BucketState s = full_bucket(limits, now_us);
//   refill(s, limits, now_us + 1'000'000);
//   ScopeCheck c = check(s, limits, /*tokens=*/120, /*requests=*/1);
//   if (c.allowed) debit(s, 120, 1);
#pragma once

#include <cstdint>

#include "server/ratelimit/tenant_limit_config.h"

namespace smg::ratelimit {

struct BucketState {
  double tokens = 0;
  double requests = 0;
  int64_t updated_us = 0;  // steady time of the last refill
};

struct ScopeCheck {
  bool allowed = false;
  uint64_t retry_after_secs = 0;  // 0 when allowed; at least 1 otherwise
  double tokens_left = 0;         // after the refill, before any debit
  double requests_left = 0;
};

BucketState full_bucket(const ScopeLimits& limits, int64_t now_us);
void refill(BucketState& state, const ScopeLimits& limits, int64_t now_us);
ScopeCheck check(const BucketState& state, const ScopeLimits& limits, double tokens,
                 double requests);
void debit(BucketState& state, double tokens, double requests);
// `delta` = used − reserved: positive takes more (debt allowed), negative refunds (capped).
void settle(BucketState& state, const ScopeLimits& limits, double delta);
// Whole seconds until `needed` is available from `available` at `per_minute`/60 a second.
uint64_t wait_secs(double available, double needed, uint32_t per_minute);
// True when the state is as a new bucket would be (both counters at their limits): forgetting it
// loses nothing.
bool is_full(const BucketState& state, const ScopeLimits& limits);

}  // namespace smg::ratelimit
