#include "server/workers/circuit_breaker.h"

namespace smg::workers {

const char* circuit_state_name(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed: return "closed";
    case CircuitState::kOpen: return "open";
    case CircuitState::kHalfOpen: return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, const Clock& clock)
    : options_(options), clock_(clock) {}

void CircuitBreaker::refresh_locked() const {
  if (state_ == CircuitState::kOpen && clock_.steady_now() - opened_at_ >= options_.timeout) {
    state_ = CircuitState::kHalfOpen;
    half_open_in_flight_ = 0;
    half_open_successes_ = 0;
  }
}

void CircuitBreaker::open_locked() {
  state_ = CircuitState::kOpen;
  opened_at_ = clock_.steady_now();
  half_open_in_flight_ = 0;
  half_open_successes_ = 0;
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  refresh_locked();
  return state_;
}

bool CircuitBreaker::allows() const {
  if (!options_.enabled) {
    return true;
  }
  std::lock_guard lock(mutex_);
  refresh_locked();
  switch (state_) {
    case CircuitState::kClosed: return true;
    case CircuitState::kOpen: return false;
    case CircuitState::kHalfOpen: return half_open_in_flight_ < options_.half_open_max_requests;
  }
  return false;
}

bool CircuitBreaker::try_acquire() {
  if (!options_.enabled) {
    return true;
  }
  std::lock_guard lock(mutex_);
  refresh_locked();
  if (state_ == CircuitState::kClosed) {
    return true;
  }
  if (state_ == CircuitState::kHalfOpen &&
      half_open_in_flight_ < options_.half_open_max_requests) {
    ++half_open_in_flight_;
    return true;
  }
  return false;
}

void CircuitBreaker::release() {
  std::lock_guard lock(mutex_);
  if (state_ == CircuitState::kHalfOpen && half_open_in_flight_ > 0) {
    --half_open_in_flight_;
  }
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  refresh_locked();
  consecutive_failures_ = 0;
  if (state_ != CircuitState::kHalfOpen) {
    return;
  }
  if (half_open_in_flight_ > 0) {
    --half_open_in_flight_;
  }
  if (++half_open_successes_ >= options_.success_threshold) {
    state_ = CircuitState::kClosed;
    half_open_in_flight_ = 0;
    half_open_successes_ = 0;
  }
}

void CircuitBreaker::record_failure() {
  std::lock_guard lock(mutex_);
  refresh_locked();
  auto now = clock_.steady_now();
  // A failure long after the previous one starts a new streak: old failures say little now.
  if (consecutive_failures_ > 0 && now - last_failure_at_ > options_.window) {
    consecutive_failures_ = 0;
  }
  ++consecutive_failures_;
  last_failure_at_ = now;
  if (!options_.enabled) {
    return;
  }
  if (state_ == CircuitState::kHalfOpen ||
      (state_ == CircuitState::kClosed && consecutive_failures_ >= options_.failure_threshold)) {
    open_locked();
  }
}

void CircuitBreaker::reset() {
  std::lock_guard lock(mutex_);
  state_ = CircuitState::kClosed;
  consecutive_failures_ = 0;
  half_open_in_flight_ = 0;
  half_open_successes_ = 0;
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(mutex_);
  return consecutive_failures_;
}

}  // namespace smg::workers
