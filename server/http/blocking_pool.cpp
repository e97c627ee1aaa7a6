#include "server/http/blocking_pool.h"

#include <algorithm>

namespace smg::server {

BlockingPool::BlockingPool(BlockingPoolOptions options) : options_(options) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t warm = std::min(options_.min_threads, std::max<std::size_t>(options_.max_threads, 1));
  for (std::size_t i = 0; i < warm; ++i) spawn_locked();
  grower_ = std::thread([this] { grow_loop(); });
}

BlockingPool::~BlockingPool() {
  std::unique_lock<std::mutex> lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  grow_.notify_all();
  exited_.wait(lock, [this] { return threads_.empty(); });
  join_finished_locked();
  lock.unlock();
  grower_.join();
}

void BlockingPool::submit(Task task) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.push_back({std::move(task), std::chrono::steady_clock::now()});
  bool capped = threads_.size() >= std::max<std::size_t>(options_.max_threads, 1);
  if (queue_.size() > idle_ && !capped && options_.grow_after.count() == 0) {
    spawn_locked();  // no grace: a thread per task at once
    return;
  }
  wake_.notify_one();
  if (queue_.size() > idle_ && !capped) grow_.notify_one();
}

// Gives a thread to each task that has waited grow_after with every thread busy.
void BlockingPool::grow_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (queue_.size() <= idle_) {
      grow_.wait(lock);
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    std::size_t waited = 0;
    for (const auto& queued : queue_) {
      if (now - queued.since < options_.grow_after) break;
      ++waited;
    }
    std::size_t cap = std::max<std::size_t>(options_.max_threads, 1);
    while (waited > idle_ && threads_.size() < cap) {
      spawn_locked();
      --waited;
    }
    grow_.wait_for(lock, options_.grow_after);
  }
}

std::size_t BlockingPool::thread_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

void BlockingPool::spawn_locked() {
  join_finished_locked();
  auto self = threads_.emplace(threads_.end());
  ++idle_;
  *self = std::thread([this, self] { work_loop(self); });
}

void BlockingPool::join_finished_locked() {
  // A finished thread has left work_loop's last lock: joining it here cannot wait on us.
  for (auto& thread : finished_) thread.join();
  finished_.clear();
}

// idle_ counts the threads not running a task (a new one included, before it first waits), so
// submit() starts a thread exactly when the queue outgrows them.
void BlockingPool::work_loop(std::list<std::thread>::iterator self) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    bool woke = wake_.wait_for(lock, options_.idle_timeout,
                               [this] { return !queue_.empty() || stopping_; });
    if (!queue_.empty()) {
      --idle_;
      {
        Task task = std::move(queue_.front().task);
        queue_.pop_front();
        lock.unlock();
        task();
      }  // the task's captures die unlocked: they may post to an io_context
      lock.lock();
      ++idle_;
      continue;
    }
    if (stopping_ || (!woke && threads_.size() > options_.min_threads)) break;
  }
  --idle_;
  finished_.push_back(std::move(*self));
  threads_.erase(self);
  exited_.notify_all();
}

}  // namespace smg::server
