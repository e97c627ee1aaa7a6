// Clock: the time seam. Production code takes a `const Clock&`; tests pass a FixedClock.
//
//   smg::SystemClock clock;
//   int64_t now = clock.now_seconds();     // Unix time
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace smg {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_seconds() const = 0;                       // Unix time, wall clock
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;  // for intervals
};

class SystemClock final : public Clock {
 public:
  int64_t now_seconds() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  static const SystemClock& instance();
};

// A clock that moves only when told to; steady time follows the wall time. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t now_seconds) : now_(now_seconds) {}
  int64_t now_seconds() const override { return now_.load(); }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(now_.load()));
  }
  void set(int64_t now_seconds) { now_.store(now_seconds); }
  void advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

// "2026-11-23T11:19:10.123Z": RFC 3339, UTC, millisecond precision.
std::string format_rfc3339_ms(int64_t unix_ms);
// Wall-clock Unix time in milliseconds.
int64_t unix_now_ms();

}  // namespace smg
