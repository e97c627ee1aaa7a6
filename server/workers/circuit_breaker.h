// CircuitBreaker: stops routing to a worker that keeps failing, then probes it carefully.
//
// closed    → requests flow; `failure_threshold` consecutive failures (within `window`) open it.
// open      → requests are refused until `timeout` (the cool-down) has passed, then half-open.
// half-open → at most `half_open_max_requests` trial requests at once; `success_threshold`
//             successes close it, any failure reopens it (and restarts the cool-down).
// Thread-safety: all methods may be called from many threads at once.
//
//   smg::workers::CircuitBreaker breaker({.failure_threshold = 3}, smg::SystemClock::instance());
//   if (breaker.try_acquire()) {
//     ok ? breaker.record_success() : breaker.record_failure();
//   }
#pragma once

#include <chrono>
#include <mutex>

#include "common/clock/clock.h"

namespace smg::workers {

struct CircuitBreakerOptions {
  bool enabled = true;                 // --disable-circuit-breaker turns it off (always closed)
  int failure_threshold = 10;          // --cb-failure-threshold: consecutive failures that open it
  int success_threshold = 3;           // --cb-success-threshold: half-open successes that close it
  std::chrono::seconds timeout{60};    // --cb-timeout-duration-secs: open → half-open cool-down
  std::chrono::seconds window{120};    // --cb-window-duration-secs: older failures stop counting
  int half_open_max_requests = 3;      // trial requests admitted at once while half-open
};

enum class CircuitState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open".
const char* circuit_state_name(CircuitState state);

class CircuitBreaker {
 public:
  // REQUIRES: `clock` outlives the breaker.
  CircuitBreaker(CircuitBreakerOptions options, const Clock& clock);

  // The state now (an open breaker whose cool-down has passed reports half-open).
  CircuitState state() const;
  // Whether a request could be admitted now, without taking a half-open trial slot.
  bool allows() const;
  // Admits a request: true when closed, or half-open with a free trial slot (which it takes).
  bool try_acquire();
  // Gives back a half-open trial slot taken by try_acquire() whose outcome was never recorded.
  void release();
  void record_success();
  void record_failure();
  // Back to closed with clean counters.
  void reset();

  int consecutive_failures() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  // REQUIRES: mutex_ held. Applies the open → half-open transition once the cool-down passed.
  void refresh_locked() const;
  void open_locked();

  const CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  mutable CircuitState state_ = CircuitState::kClosed;
  mutable int half_open_in_flight_ = 0;
  mutable int half_open_successes_ = 0;
  int consecutive_failures_ = 0;
  TimePoint last_failure_at_{};
  TimePoint opened_at_{};
};

}  // namespace smg::workers
