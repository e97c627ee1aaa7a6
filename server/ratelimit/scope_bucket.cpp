#include "server/ratelimit/scope_bucket.h"

#include <algorithm>
#include <cmath>

namespace smg::ratelimit {

BucketState full_bucket(const ScopeLimits& limits, int64_t now_us) {
  return {static_cast<double>(limits.tokens_per_minute),
          static_cast<double>(limits.requests_per_minute), now_us};
}

void refill(BucketState& state, const ScopeLimits& limits, int64_t now_us) {
  if (now_us <= state.updated_us) return;  // a clock that went back refills nothing
  double elapsed = static_cast<double>(now_us - state.updated_us) / 1e6;
  double token_cap = limits.tokens_per_minute;
  double request_cap = limits.requests_per_minute;
  state.tokens = std::min(token_cap, state.tokens + elapsed * token_cap / 60.0);
  state.requests = std::min(request_cap, state.requests + elapsed * request_cap / 60.0);
  state.updated_us = now_us;
}

uint64_t wait_secs(double available, double needed, uint32_t per_minute) {
  if (available >= needed) return 0;
  if (per_minute == 0) return UINT64_MAX;
  double seconds = (needed - available) * 60.0 / per_minute;
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(seconds)));
}

ScopeCheck check(const BucketState& state, const ScopeLimits& limits, double tokens,
                 double requests) {
  ScopeCheck out;
  out.tokens_left = state.tokens;
  out.requests_left = state.requests;
  // A reservation above the whole limit could never fit: it needs a full bucket instead, and the
  // debit then leaves the rest as debt (so such requests still average out at the limit).
  double needed_tokens = std::min(tokens, static_cast<double>(limits.tokens_per_minute));
  out.allowed = state.tokens >= needed_tokens && state.requests >= requests;
  if (!out.allowed) {
    out.retry_after_secs =
        std::max({wait_secs(state.tokens, needed_tokens, limits.tokens_per_minute),
                  wait_secs(state.requests, requests, limits.requests_per_minute), uint64_t{1}});
  }
  return out;
}

void debit(BucketState& state, double tokens, double requests) {
  state.tokens -= tokens;
  state.requests -= requests;
}

void settle(BucketState& state, const ScopeLimits& limits, double delta) {
  state.tokens = std::min(static_cast<double>(limits.tokens_per_minute), state.tokens - delta);
}

bool is_full(const BucketState& state, const ScopeLimits& limits) {
  return state.tokens >= limits.tokens_per_minute && state.requests >= limits.requests_per_minute;
}

}  // namespace smg::ratelimit
