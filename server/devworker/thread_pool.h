// A task queue for httplib::Server that grows on demand up to a cap, so a test worker can hold
// hundreds of slow streams at once (one thread each, as httplib serves a connection per thread)
// without paying for hundreds of idle threads when it is quiet.
// Thread-safety: enqueue() from any thread; shutdown() once, from the owner (httplib does both).
//
//   httplib::Server server;
//   server.new_task_queue = [] { return new smg::devworker::GrowingThreadPool(512); };
//   // httplib owns the queue: it calls shutdown() and deletes it when listen() returns.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace smg::devworker {

class GrowingThreadPool : public httplib::TaskQueue {
 public:
  // REQUIRES: max_threads >= 1. Jobs beyond max_threads busy ones wait in FIFO order.
  explicit GrowingThreadPool(std::size_t max_threads);
  ~GrowingThreadPool() override;
  GrowingThreadPool(const GrowingThreadPool&) = delete;
  GrowingThreadPool& operator=(const GrowingThreadPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs the jobs already queued, then joins every thread.
  void shutdown() override;

  std::size_t thread_count() const;

 private:
  void run_worker();

  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutting_down_ = false;
};

}  // namespace smg::devworker
