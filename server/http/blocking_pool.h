// BlockingPool: the one place the engine runs work that blocks (the gateway's synchronous
// Handler and HeadScreen: bcrypt, SQLite, libcurl fetches of JWKS and OIDC documents, a
// callback-style stream such as the audit tail),
// so that an I/O thread never blocks. A coroutine awaits the result; the calling coroutine's
// executor (its connection's strand) is where it resumes.
//
// Threads start on demand, up to max_threads: a task that finds no idle thread and is still
// waiting after grow_after gets a thread of its own (a burst of quick tasks, say 2,000 requests
// authenticated at once, is served by the threads there are; tasks that really block, a stuck
// JWKS fetch, do not hold up the ones behind them for more than grow_after). Past max_threads
// tasks wait in order. Threads above min_threads exit after idle_timeout without work, so a
// busy pool grows in milliseconds and a quiet pool shrinks back.
// Thread-safety: thread-safe. The destructor waits for queued and running tasks.
//
//   BlockingPool pool({.min_threads = 4, .max_threads = 2048});
//   Response response = co_await pool.run([&] { return handler(request); });  // in a coroutine
//   pool.submit([] { ... });                                                  // fire and forget
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace smg::server {

struct BlockingPoolOptions {
  std::size_t min_threads = 4;     // started at once and kept
  std::size_t max_threads = 2048;  // at most, busy or idle
  std::chrono::milliseconds idle_timeout{2000};  // before a thread above min_threads exits
  std::chrono::milliseconds grow_after{5};       // a task waits this long before a new thread
};

class BlockingPool {
 public:
  // A move-only unit of work (completion handlers of coroutines are move-only).
  class Task {
   public:
    template <typename F>
      requires(!std::is_same_v<std::decay_t<F>, Task>)
    explicit Task(F f) : body_(std::make_unique<Body<F>>(std::move(f))) {}
    void operator()() { body_->run(); }

   private:
    struct Base {
      virtual ~Base() = default;
      virtual void run() = 0;
    };
    template <typename F>
    struct Body final : Base {
      explicit Body(F f) : f_(std::move(f)) {}
      void run() override { f_(); }
      F f_;
    };
    std::unique_ptr<Base> body_;
  };

  explicit BlockingPool(BlockingPoolOptions options);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  void submit(Task task);

  // Runs f() on a pool thread; the awaiting coroutine resumes on its own executor with the
  // result, or with f's exception rethrown. R must be default-constructible and movable.
  // REQUIRES: whatever f references outlives the co_await (a coroutine's locals do).
  template <typename F>
  auto run(F f) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                       void(std::exception_ptr, R)>(
        [this](auto handler, F work) {
          // Tracked work keeps the awaiting io_context running until the result is delivered.
          auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                              boost::asio::execution::outstanding_work.tracked);
          submit(Task([handler = std::move(handler), executor = std::move(executor),
                       work = std::move(work)]() mutable {
            std::exception_ptr error;
            R result{};
            try {
              result = work();
            } catch (...) {
              error = std::current_exception();
            }
            boost::asio::post(executor, [handler = std::move(handler), error,
                                         result = std::move(result)]() mutable {
              std::move(handler)(error, std::move(result));
            });
          }));
        },
        boost::asio::use_awaitable, std::move(f));
  }

  std::size_t thread_count() const;

 private:
  void spawn_locked();
  void work_loop(std::list<std::thread>::iterator self);
  void grow_loop();
  void join_finished_locked();

  const BlockingPoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable exited_;
  struct Queued {
    Task task;
    std::chrono::steady_clock::time_point since;
  };
  std::condition_variable grow_;         // a task is waiting for a thread
  std::deque<Queued> queue_;             // guarded by mutex_
  std::list<std::thread> threads_;       // running; guarded by mutex_
  std::vector<std::thread> finished_;    // exited, to be joined; guarded by mutex_
  std::size_t idle_ = 0;     // threads not running a task; guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  std::thread grower_;       // starts threads for tasks that waited grow_after
};

}  // namespace smg::server
