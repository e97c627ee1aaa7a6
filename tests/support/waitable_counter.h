// A counter other threads bump and a test waits on: the wait returns the moment the count is
// reached (a condition variable, no polling), or false at the deadline.
// Thread-safety: every member may be called from any thread.
//
//   smg::test::WaitableCounter entered;
//   handler: entered.increment();
//   REQUIRE(entered.wait_for(12, std::chrono::seconds(5)));
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace smg::test {

class WaitableCounter {
 public:
  void increment() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++count_;
    }
    changed_.notify_all();
  }
  int value() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return count_;
  }
  // True once the count is at least `target`; false if `deadline` passes first.
  bool wait_for(int target, std::chrono::milliseconds deadline) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return count_ >= target; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  int count_ = 0;
};

}  // namespace smg::test
