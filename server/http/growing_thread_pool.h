// A task queue for cpp-httplib whose thread count follows demand: httplib runs one task per
// accepted connection for the connection's whole life, so a fixed pool of 8 (httplib's default)
// lets 8 long SSE streams starve /health. This pool keeps `min_threads` warm, starts a new thread
// whenever a task arrives and none is idle (up to `max_threads`), and lets surplus threads exit
// after `idle_timeout`. Past max_threads tasks wait in a FIFO.
// Thread-safety: thread-safe.
//
//   server.new_task_queue = [] { return new GrowingThreadPool({.max_threads = 2048}); };
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace smg::server {

struct ThreadPoolOptions {
  std::size_t min_threads = 8;
  std::size_t max_threads = 2048;
  std::chrono::seconds idle_timeout{30};
};

class GrowingThreadPool final : public httplib::TaskQueue {
 public:
  explicit GrowingThreadPool(ThreadPoolOptions options);
  ~GrowingThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  std::size_t thread_count() const;

 private:
  void spawn_locked();
  void run();

  ThreadPoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable all_exited_;
  std::deque<std::function<void()>> jobs_;
  std::size_t threads_ = 0;
  std::size_t idle_ = 0;
  bool shutting_down_ = false;
};

}  // namespace smg::server
