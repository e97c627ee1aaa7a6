// IoRuntime: one io_context and the fixed set of I/O threads that run it. Every connection is a
// coroutine on this context (on a strand of its own), so the thread count follows the cores,
// never the connections. Nothing that runs here may block: blocking work goes to the
// BlockingPool (blocking_pool.h).
// Thread-safety: context() from any thread; run() once, from the thread that serves.
//
//   IoRuntime io(4);                          // 0: one thread per core
//   co_spawn(io.context(), accept_loop(), detached);
//   io.run();                                 // returns when the context runs out of work
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>

namespace smg::server {

class IoRuntime {
 public:
  explicit IoRuntime(std::size_t threads);
  IoRuntime(const IoRuntime&) = delete;
  IoRuntime& operator=(const IoRuntime&) = delete;

  boost::asio::io_context& context() { return context_; }
  std::size_t threads() const { return threads_; }
  // Runs the context on threads() threads, the calling one included, until it has no work
  // left (or stop() was called); then joins them.
  void run();
  // Makes run() return as soon as possible; handlers not yet run are dropped.
  void stop() { context_.stop(); }

 private:
  const std::size_t threads_;
  boost::asio::io_context context_;
};

}  // namespace smg::server
