// IoRuntime: the fixed set of I/O threads, one io_context each (nginx's worker model inside one
// process). A connection is pinned to one context from accept to close, and the worker exchanges
// it starts run on the same context, so a request's work never crosses threads and needs no
// strand or lock; the thread count follows the cores, never the connections. Nothing that runs
// here may block: blocking work goes to the BlockingPool (blocking_pool.h).
// Thread-safety: context(), next() and local() from any thread; run() once, from the thread
// that serves.
//
//   IoRuntime io(4);                              // 0: one thread per core
//   acceptor.async_accept(io.next(), handler);    // the new socket's context, round-robin
//   io.run();                                     // until the first context runs out of work
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace smg::server {

class IoRuntime {
 public:
  // One I/O thread's context and its index (0 .. threads() - 1).
  struct Slot {
    boost::asio::io_context& context;
    std::size_t index;
  };

  explicit IoRuntime(std::size_t threads);
  IoRuntime(const IoRuntime&) = delete;
  IoRuntime& operator=(const IoRuntime&) = delete;

  // The first context: acceptors and the runtime's own timers. Its running out of work is
  // what ends run().
  boost::asio::io_context& context() { return *contexts_[0]; }
  // Round-robin over the contexts: where a new connection goes.
  Slot next();
  // The calling I/O thread's own context (so that work it starts stays on its thread); next()
  // when called from any other thread.
  Slot local();
  std::size_t threads() const { return contexts_.size(); }
  // Runs context i on thread i, the calling thread running the first, until the first has no
  // work left (or stop()); the others are kept running until then, finish what they have, and
  // are joined.
  void run();
  // Makes run() return as soon as possible; handlers not yet run are dropped.
  void stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace smg::server
