#include "server/devworker/thread_pool.h"

#include <utility>

namespace smg::devworker {

GrowingThreadPool::GrowingThreadPool(std::size_t max_threads)
    : max_threads_(max_threads == 0 ? 1 : max_threads) {}

GrowingThreadPool::~GrowingThreadPool() { shutdown(); }

void GrowingThreadPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(fn));
    // Spawn only when every existing thread is busy: a queued job never waits behind a slow
    // stream while the cap allows another thread.
    if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
      threads_.emplace_back([this] { run_worker(); });
    }
  }
  ready_.notify_one();
}

void GrowingThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shutting_down_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  for (auto& thread : threads) {
    thread.join();
  }
}

std::size_t GrowingThreadPool::thread_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void GrowingThreadPool::run_worker() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return !jobs_.empty() || shutting_down_; });
    --idle_;
    if (jobs_.empty()) {
      return;  // shutting down with nothing left to run
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace smg::devworker
