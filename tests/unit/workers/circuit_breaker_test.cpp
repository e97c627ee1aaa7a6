#include "server/workers/circuit_breaker.h"

#include <catch2/catch.hpp>

using smg::FixedClock;
using smg::workers::CircuitBreaker;
using smg::workers::CircuitBreakerOptions;
using smg::workers::CircuitState;

namespace {

CircuitBreakerOptions small_options() {
  CircuitBreakerOptions options;
  options.failure_threshold = 3;
  options.success_threshold = 2;
  options.timeout = std::chrono::seconds(60);
  options.window = std::chrono::seconds(120);
  options.half_open_max_requests = 1;
  return options;
}

void fail_times(CircuitBreaker& breaker, int n) {
  for (int i = 0; i < n; ++i) {
    breaker.record_failure();
  }
}

}  // namespace

TEST_CASE("workers: circuit breaker defaults follow SMG", "[workers][circuit_breaker]") {
  CircuitBreakerOptions options;
  CHECK(options.failure_threshold == 10);
  CHECK(options.success_threshold == 3);
  CHECK(options.timeout == std::chrono::seconds(60));
  CHECK(options.window == std::chrono::seconds(120));
  CHECK(std::string(smg::workers::circuit_state_name(CircuitState::kHalfOpen)) == "half_open");
}

TEST_CASE("workers: circuit breaker opens after consecutive failures",
          "[workers][circuit_breaker]") {
  FixedClock clock(1000);
  CircuitBreaker breaker(small_options(), clock);
  CHECK(breaker.state() == CircuitState::kClosed);

  SECTION("a success in between resets the streak") {
    fail_times(breaker, 2);
    breaker.record_success();
    fail_times(breaker, 2);
    CHECK(breaker.state() == CircuitState::kClosed);
    CHECK(breaker.try_acquire());
  }
  SECTION("threshold failures open it and it refuses requests") {
    fail_times(breaker, 3);
    CHECK(breaker.state() == CircuitState::kOpen);
    CHECK_FALSE(breaker.allows());
    CHECK_FALSE(breaker.try_acquire());
  }
  SECTION("failures further apart than the window do not add up") {
    fail_times(breaker, 2);
    clock.advance(121);
    breaker.record_failure();
    CHECK(breaker.state() == CircuitState::kClosed);
    CHECK(breaker.consecutive_failures() == 1);
  }
}

TEST_CASE("workers: circuit breaker half-open trials close or reopen it",
          "[workers][circuit_breaker]") {
  FixedClock clock(1000);
  CircuitBreaker breaker(small_options(), clock);
  fail_times(breaker, 3);
  clock.advance(59);
  CHECK(breaker.state() == CircuitState::kOpen);
  clock.advance(1);
  CHECK(breaker.state() == CircuitState::kHalfOpen);

  SECTION("trial slots are limited and released") {
    CHECK(breaker.try_acquire());
    CHECK_FALSE(breaker.allows());
    CHECK_FALSE(breaker.try_acquire());
    breaker.release();
    CHECK(breaker.try_acquire());
  }
  SECTION("success_threshold successes close it") {
    REQUIRE(breaker.try_acquire());
    breaker.record_success();
    CHECK(breaker.state() == CircuitState::kHalfOpen);
    REQUIRE(breaker.try_acquire());
    breaker.record_success();
    CHECK(breaker.state() == CircuitState::kClosed);
  }
  SECTION("a failure reopens it and restarts the cool-down") {
    REQUIRE(breaker.try_acquire());
    breaker.record_failure();
    CHECK(breaker.state() == CircuitState::kOpen);
    clock.advance(59);
    CHECK(breaker.state() == CircuitState::kOpen);
    clock.advance(1);
    CHECK(breaker.state() == CircuitState::kHalfOpen);
  }
  SECTION("reset closes it") {
    breaker.reset();
    CHECK(breaker.state() == CircuitState::kClosed);
  }
}

TEST_CASE("workers: disabled circuit breaker never opens", "[workers][circuit_breaker]") {
  FixedClock clock(1000);
  auto options = small_options();
  options.enabled = false;
  CircuitBreaker breaker(options, clock);
  fail_times(breaker, 10);
  CHECK(breaker.state() == CircuitState::kClosed);
  CHECK(breaker.try_acquire());
}
