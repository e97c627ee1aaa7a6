// ServingThreads: the threads of the epoll engine (epoll_server.h). A small fixed set of
// "member" threads waits in one epoll instance and serves whichever connection becomes readable,
// one request (or one pipelined burst) at a time, so the thread count follows the cores, not the
// connections: 64 busy keep-alive connections no longer mean 64 threads taking turns on 2 cores.
//
// Work that holds a thread for long must not starve the rest, so the set bends in two ways:
// - hand_off_current(): a thread about to relay a long stream (SSE, audit follow) leaves the
//   members and a replacement member starts at once; the stream finishes on the old thread, which
//   then rejoins the members if one is missing, or exits.
// - a stall monitor: when every member is busy and none has taken new work for `stall_after`
//   (slow non-stream upstream calls, admission queue waits, slow clients), more members start,
//   doubling each period the stall lasts; a surplus member exits as soon as it finishes work
//   while another one is idle.
// Thread-safety: thread-safe. hand_off_current() and the Loop functions act on the calling thread.
//
//   ServingThreads threads({.members = 8}, [&] { serve_one_event(); return !stopping; });
//   threads.start();  ...  threads.stop_and_wait();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace smg::server {

struct ServingThreadsOptions {
  std::size_t members = 8;         // threads serving the epoll set when nothing blocks
  std::size_t max_threads = 2048;  // members + handed-off threads
  std::chrono::milliseconds stall_after{5};
};

class ServingThreads {
 public:
  // `step` waits for and serves one event; it returns false when the thread should stop for good
  // (the engine is stopping). It must call waiting(true/false) around its wait.
  ServingThreads(ServingThreadsOptions options, std::function<bool()> step);
  ~ServingThreads();
  ServingThreads(const ServingThreads&) = delete;
  ServingThreads& operator=(const ServingThreads&) = delete;

  void start();
  // Stops the monitor, then waits until every thread has returned from `step` for good.
  // REQUIRES: the steps return false from now on (their engine is stopping).
  void stop_and_wait();

  // Accounting around a step's wait: `got_work` says the wait returned an event.
  void waiting_begins() { idle_.fetch_add(1, std::memory_order_relaxed); }
  void waiting_ends(bool got_work);

  // Called on a serving thread about to hold its thread for long: a replacement member starts.
  // A no-op on any other thread (e.g. httplib's TLS threads) and on an already handed-off one.
  static void hand_off_current();

  std::size_t thread_count() const;
  std::size_t member_count() const;

 private:
  void spawn_member_locked();
  void run();
  // After a step: false when this thread should exit (a surplus member, or a handed-off thread
  // whose place has been filled).
  bool keep_serving();
  void hand_off();
  void monitor();

  const ServingThreadsOptions options_;
  const std::function<bool()> step_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t threads_ = 0;                // guarded by mutex_
  std::atomic<std::size_t> members_{0};    // written under mutex_
  std::atomic<std::size_t> idle_{0};       // threads waiting for an event
  std::atomic<std::uint64_t> taken_{0};    // events taken so far: progress for the monitor
  bool stopping_ = false;                  // guarded by mutex_
  std::thread monitor_;
};

}  // namespace smg::server
