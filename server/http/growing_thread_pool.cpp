#include "server/http/growing_thread_pool.h"

namespace smg::server {

GrowingThreadPool::GrowingThreadPool(ThreadPoolOptions options) : options_(options) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < options_.min_threads; ++i) {
    spawn_locked();
  }
}

GrowingThreadPool::~GrowingThreadPool() { shutdown(); }

void GrowingThreadPool::spawn_locked() {
  ++threads_;
  // Detached: a thread that retires on idle cannot be joined by anyone else; shutdown() waits
  // for the count to reach zero instead.
  std::thread([this] { run(); }).detach();
}

void GrowingThreadPool::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (shutting_down_) {
    return;
  }
  jobs_.push_back(std::move(fn));
  if (idle_ < jobs_.size() && threads_ < options_.max_threads) {
    spawn_locked();
  } else {
    work_ready_.notify_one();
  }
}

void GrowingThreadPool::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    bool woke = work_ready_.wait_for(lock, options_.idle_timeout,
                                     [&] { return shutting_down_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty() && (shutting_down_ || (!woke && threads_ > options_.min_threads))) {
      break;
    }
    if (jobs_.empty()) {
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
  --threads_;
  all_exited_.notify_all();
}

void GrowingThreadPool::shutdown() {
  std::unique_lock<std::mutex> lock(mutex_);
  shutting_down_ = true;
  work_ready_.notify_all();
  all_exited_.wait(lock, [&] { return threads_ == 0; });
}

std::size_t GrowingThreadPool::thread_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_;
}

}  // namespace smg::server
