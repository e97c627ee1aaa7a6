#include "server/http/serving_threads.h"

#include <algorithm>

#include "common/thread/thread_name.h"

namespace smg::server {
namespace {

// The calling thread's place: which ServingThreads it belongs to and whether it is counted as a
// member (a handed-off thread is not).
struct ThreadPlace {
  ServingThreads* owner = nullptr;
  bool member = false;
};

ThreadPlace& place() {
  thread_local ThreadPlace current;
  return current;
}

}  // namespace

ServingThreads::ServingThreads(ServingThreadsOptions options, std::function<bool()> step)
    : options_(options), step_(std::move(step)) {}

ServingThreads::~ServingThreads() { stop_and_wait(); }

void ServingThreads::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t members = std::max<std::size_t>(1, std::min(options_.members, options_.max_threads));
  for (std::size_t i = 0; i < members; ++i) {
    spawn_member_locked();
  }
  monitor_ = std::thread([this] {
    set_thread_name("smg-stall-mon");
    monitor();
  });
}

void ServingThreads::stop_and_wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  changed_.notify_all();
  if (monitor_.joinable()) {
    lock.unlock();
    monitor_.join();
    lock.lock();
  }
  changed_.wait(lock, [&] { return threads_ == 0; });
}

void ServingThreads::waiting_ends(bool got_work) {
  idle_.fetch_sub(1, std::memory_order_relaxed);
  if (got_work) {
    taken_.fetch_add(1, std::memory_order_relaxed);
  }
}

void ServingThreads::spawn_member_locked() {
  ++threads_;
  members_.fetch_add(1, std::memory_order_relaxed);
  // Detached: a surplus or handed-off thread exits on its own and nobody could join it;
  // stop_and_wait() waits for the count instead.
  std::thread([this] {
    set_thread_name("smg-serve");
    place() = {this, true};
    run();
  }).detach();
}

void ServingThreads::run() {
  while (step_() && keep_serving()) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (place().member) {
    members_.fetch_sub(1, std::memory_order_relaxed);
  }
  place() = {};
  --threads_;
  changed_.notify_all();
}

bool ServingThreads::keep_serving() {
  ThreadPlace& self = place();
  if (self.member) {
    // Fast path: one relaxed load per request unless the monitor added members.
    if (members_.load(std::memory_order_relaxed) <= options_.members ||
        idle_.load(std::memory_order_relaxed) == 0) {
      return true;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (members_.load(std::memory_order_relaxed) <= options_.members) {
      return true;
    }
    members_.fetch_sub(1, std::memory_order_relaxed);
    self.member = false;
    return false;
  }
  // A handed-off thread whose long task is over: back in if a member is missing.
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_ || members_.load(std::memory_order_relaxed) >= options_.members) {
    return false;
  }
  members_.fetch_add(1, std::memory_order_relaxed);
  self.member = true;
  return true;
}

void ServingThreads::hand_off_current() {
  ThreadPlace& self = place();
  if (self.owner != nullptr && self.member) {
    self.owner->hand_off();
  }
}

void ServingThreads::hand_off() {
  std::lock_guard<std::mutex> lock(mutex_);
  members_.fetch_sub(1, std::memory_order_relaxed);
  place().member = false;
  if (!stopping_ && members_.load(std::memory_order_relaxed) < options_.members &&
      threads_ < options_.max_threads) {
    spawn_member_locked();
  }
}

// Every stall_after: if no thread waits for events and none but the threads started at the last
// look took one since, all are stuck in long work (slow non-stream upstream calls, admission
// waits), so more members start: 1, then twice as many each period the stall lasts (a burst of
// 300 slow requests gets its threads in ~45 ms, not 300 periods). Any other sign of progress, or
// an idle thread, ends the burst.
void ServingThreads::monitor() {
  constexpr std::size_t kMaxBurst = 64;
  std::unique_lock<std::mutex> lock(mutex_);
  std::uint64_t seen = taken_.load(std::memory_order_relaxed);
  std::size_t added = 0;  // members started at the last look
  std::size_t burst = 1;
  while (!stopping_) {
    auto tick = std::chrono::steady_clock::now() + options_.stall_after;
    changed_.wait_until(lock, tick, [&] { return stopping_; });
    if (stopping_) {
      break;
    }
    std::uint64_t taken = taken_.load(std::memory_order_relaxed);
    bool stuck = idle_.load(std::memory_order_relaxed) == 0 && taken - seen <= added;
    added = 0;
    if (stuck) {
      for (; added < burst && threads_ < options_.max_threads; ++added) {
        spawn_member_locked();
      }
      burst = std::min(burst * 2, kMaxBurst);
    } else {
      burst = 1;
    }
    seen = taken;
  }
}

std::size_t ServingThreads::thread_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_;
}

std::size_t ServingThreads::member_count() const {
  return members_.load(std::memory_order_relaxed);
}

}  // namespace smg::server
