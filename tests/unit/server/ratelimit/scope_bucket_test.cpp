#include "server/ratelimit/scope_bucket.h"

#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "server/ratelimit/limiter_store.h"

using namespace smg::ratelimit;

namespace {
constexpr int64_t kSecond = 1000000;
}  // namespace

TEST_CASE("ratelimit bucket: starts full and admits within both limits", "[ratelimit]") {
  ScopeLimits limits{600, 10};
  BucketState s = full_bucket(limits, 0);
  ScopeCheck c = check(s, limits, 100, 1);
  CHECK(c.allowed);
  debit(s, 100, 1);
  CHECK(s.tokens == 500);
  CHECK(s.requests == 9);
}

TEST_CASE("ratelimit bucket: refuses past the limit with a Retry-After from the refill rate",
          "[ratelimit]") {
  ScopeLimits limits{60, 10};  // 1 token a second
  BucketState s = full_bucket(limits, 0);
  debit(s, 60, 0);
  ScopeCheck c = check(s, limits, 30, 1);
  CHECK_FALSE(c.allowed);
  CHECK(c.retry_after_secs == 30);
  SECTION("requests: 10 a minute is one every 6 s") {
    BucketState r = full_bucket(limits, 0);
    r.requests = 0.5;
    ScopeCheck rc = check(r, limits, 0, 1);
    CHECK_FALSE(rc.allowed);
    CHECK(rc.retry_after_secs == 3);
  }
}

TEST_CASE("ratelimit bucket: refills continuously and never above the limit", "[ratelimit]") {
  ScopeLimits limits{600, 60};
  BucketState s = full_bucket(limits, 0);
  debit(s, 600, 60);
  refill(s, limits, 2 * kSecond);  // 10 tokens and 1 request a second
  CHECK(s.tokens == Approx(20));
  CHECK(s.requests == Approx(2));
  refill(s, limits, 3600 * kSecond);
  CHECK(s.tokens == 600);
  CHECK(s.requests == 60);
  SECTION("a clock that goes back refills nothing") {
    debit(s, 100, 0);
    refill(s, limits, 10 * kSecond);
    CHECK(s.tokens == 500);
  }
}

TEST_CASE("ratelimit bucket: settle allows debt but refunds no higher than the limit",
          "[ratelimit]") {
  ScopeLimits limits{600, 10};
  BucketState s = full_bucket(limits, 0);
  debit(s, 100, 1);
  settle(s, limits, 650);  // used 750 where 100 were reserved
  CHECK(s.tokens == -150);
  CHECK_FALSE(check(s, limits, 1, 1).allowed);
  settle(s, limits, -100000);
  CHECK(s.tokens == 600);
}

TEST_CASE("ratelimit bucket: a reservation above the whole limit needs a full bucket",
          "[ratelimit]") {
  ScopeLimits limits{1000, 100};
  BucketState s = full_bucket(limits, 0);
  CHECK(check(s, limits, 5000, 1).allowed);
  debit(s, 5000, 1);
  CHECK(s.tokens == -4000);
  ScopeCheck c = check(s, limits, 5000, 1);
  CHECK_FALSE(c.allowed);
  CHECK(c.retry_after_secs == 300);  // 5000 tokens back at 1000/min
}

TEST_CASE("ratelimit local store: one request debits every scope or none", "[ratelimit]") {
  smg::FixedClock clock(1000);
  LocalLimiterStore store(clock);
  std::vector<ScopeRequest> scopes{{"auth:a", {1000, 100}}, {"auth:a#rule:r", {1000, 2}}};
  CHECK(store.reserve(scopes, 10).allowed);
  CHECK(store.reserve(scopes, 10).allowed);
  Decision third = store.reserve(scopes, 10);
  CHECK_FALSE(third.allowed);
  REQUIRE(third.scopes.size() == 2);
  CHECK(third.scopes[0].allowed);
  CHECK_FALSE(third.scopes[1].allowed);
  CHECK(third.scopes[1].retry_after_secs == 30);
  // The refused request took nothing from the tenant scope: 98 requests are left there.
  Decision tenant_only = store.reserve({scopes[0]}, 0);
  CHECK(tenant_only.scopes[0].requests_left == Approx(98));
  clock.advance(30);  // one request of the rule's 2/min back
  CHECK(store.reserve(scopes, 10).allowed);
}

TEST_CASE("ratelimit local store: settle trues tokens up on every scope", "[ratelimit]") {
  smg::FixedClock clock(1000);
  LocalLimiterStore store(clock);
  std::vector<ScopeRequest> scopes{{"auth:a", {100, 100}}};
  REQUIRE(store.reserve(scopes, 80).allowed);
  CHECK_FALSE(store.reserve(scopes, 30).allowed);
  store.settle(scopes, -60);  // used 20 of the 80
  CHECK(store.reserve(scopes, 30).allowed);
}

TEST_CASE("ratelimit local store: a flood of scopes stays bounded", "[ratelimit][attack]") {
  smg::FixedClock clock(1000);
  LocalLimiterStore store(clock, 100);
  for (int i = 0; i < 1000; ++i) {
    store.reserve({{"ip:10.0.0." + std::to_string(i), {1000, 10}}}, 1);
  }
  CHECK(store.scope_count() <= 101);  // 100 scopes and the shared overflow bucket
  SECTION("buckets that are full again are forgotten to make room") {
    clock.advance(120);
    CHECK(store.reserve({{"ip:192.0.2.1", {1000, 10}}}, 1).allowed);
    CHECK(store.scope_count() <= 2);
  }
}
