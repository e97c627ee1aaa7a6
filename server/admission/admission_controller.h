// Admission control for the data plane (`--max-concurrent-requests`, `--queue-size`,
// `--queue-timeout-secs`, `--rate-limit-tokens-per-second`), SMG's token bucket: the bucket holds
// max_concurrent tokens and starts full; each request takes one and gives it back when its answer
// is complete (a stream's at its end, or when the client leaves). With a refill rate the bucket
// also gains `refill_per_second` tokens a second, never more than max_concurrent in it, so a
// steady rate of new requests is admitted even while earlier ones still run (SMG's "concurrency
// cap plus an optional refill"). No token free: up to queue_size requests wait, served strictly
// first come first served, each at most queue_timeout; past that the gateway answers 429
// `admission_queue_full`, and a waiter that times out gets 503 `admission_queue_timeout`.
// Disabled (max_concurrent == 0) it admits everything and costs one branch.
// No thread waits in the queue: a waiter is a callback, granted by the request that gives its
// token back, by the refill, or at its timeout by the controller's one timer thread.
// Thread-safety: thread-safe. Grants run on whichever thread grants them (never under the lock):
// they must not block. acquire() is the blocking form (tests and tools).
//
//   AdmissionController admission({.max_concurrent = 256, .queue_size = 100});
//   admission.acquire_async([](Result<Permit> permit) {
//     if (!permit.ok()) return answer(error_for(permit.status()));   // 429 / 503
//     ... the permit is released when it goes out of scope
//   });
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/clock/clock.h"
#include "common/status.h"

namespace smg::admission {

struct AdmissionOptions {
  std::size_t max_concurrent = 0;  // 0: no limit
  std::size_t queue_size = 100;
  std::chrono::milliseconds queue_timeout{60000};
  double refill_per_second = 0;       // --rate-limit-tokens-per-second; 0: no refill
  const Clock* clock = nullptr;       // null: the system clock (tests pass a FixedClock)
};

// The bucket's arithmetic alone, on explicit times (tested with a FixedClock's steady time).
class AdmissionBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  AdmissionBucket(double capacity, double refill_per_second, TimePoint now);
  // Adds what the time since the last call refilled, capped at the capacity.
  void refill(TimePoint now);
  bool try_take();           // one token, if there is a whole one
  void give_back();          // a finished request's token, capped at the capacity
  // Time until a whole token is in the bucket by refill alone; max() without a refill.
  std::chrono::nanoseconds until_token() const;
  double tokens() const { return tokens_; }

 private:
  double capacity_;
  double refill_per_second_;
  double tokens_;
  TimePoint last_;
};

class AdmissionController;

class Permit {
 public:
  Permit() = default;
  explicit Permit(AdmissionController* owner) : owner_(owner) {}
  Permit(Permit&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
  Permit& operator=(Permit&& other) noexcept;
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit();

 private:
  AdmissionController* owner_ = nullptr;
};

class AdmissionController {
 public:
  using Grant = std::function<void(Result<Permit>)>;
  // What acquire_async returns: 0 when the grant already ran, else the waiter's ticket.
  using Ticket = uint64_t;

  explicit AdmissionController(AdmissionOptions options);
  ~AdmissionController();
  AdmissionController(const AdmissionController&) = delete;
  AdmissionController& operator=(const AdmissionController&) = delete;

  // Calls `grant` exactly once with a Permit, or failed with reason "admission_queue_full"
  // (kResourceExhausted, at once) or "admission_queue_timeout" (kUnavailable, after
  // queue_timeout): before returning when it can tell at once, else later from another thread.
  Ticket acquire_async(Grant grant);
  // Takes a waiter out of the queue (its client left): its grant never runs. False when the
  // grant has run or is running.
  bool cancel(Ticket ticket);
  // A permit at once when a token is free and nobody waits (always, when disabled); nullopt
  // otherwise (then acquire_async queues or refuses).
  std::optional<Permit> try_acquire();
  // The blocking form: waits for acquire_async's grant.
  Result<Permit> acquire();
  std::size_t in_flight() const;
  std::size_t waiting() const;
  const AdmissionOptions& options() const { return options_; }

 private:
  friend class Permit;
  struct Waiter {
    Ticket ticket;
    std::chrono::steady_clock::time_point deadline;
    Grant grant;
  };
  using Grants = std::vector<std::pair<Grant, Result<Permit>>>;
  void release();
  // Under the lock: a token for a newcomer, if one is free and nobody waits before it.
  bool take_for_newcomer_locked();
  // Under the lock: the waiters at the head of the queue that a token now admits, and those past
  // their deadline, taken out with what to grant them.
  void collect_locked(Grants& grants, std::chrono::steady_clock::time_point now);
  static void run(Grants& grants);
  void run_timer();

  AdmissionOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // wakes the timer thread
  AdmissionBucket bucket_;
  std::size_t in_flight_ = 0;
  std::deque<Waiter> waiters_;  // in arrival order (so deadlines ascend too)
  Ticket next_ticket_ = 1;
  bool stopping_ = false;
  std::thread timer_;  // only with a limit: times out waiters and wakes them for the refill
};

}  // namespace smg::admission
