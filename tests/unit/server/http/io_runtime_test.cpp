#include "server/http/io_runtime.h"

#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>

using smg::server::IoRuntime;

TEST_CASE("io runtime: each I/O thread's local() is its own context, others round-robin",
          "[http][io]") {
  IoRuntime io(3);
  REQUIRE(io.threads() == 3);
  // Off the I/O threads, local() deals the contexts out in turn.
  std::set<std::size_t> dealt;
  for (int i = 0; i < 3; ++i) dealt.insert(io.local().index);
  CHECK(dealt == std::set<std::size_t>{0, 1, 2});
  std::mutex mutex;
  std::set<std::thread::id> threads;
  bool matched = true;
  for (std::size_t i = 0; i < io.threads(); ++i) {
    IoRuntime::Slot slot = io.next();
    boost::asio::post(slot.context, [&, slot] {
      IoRuntime::Slot here = io.local();  // on that context's own thread
      std::lock_guard<std::mutex> lock(mutex);
      matched = matched && here.index == slot.index && &here.context == &slot.context;
      threads.insert(std::this_thread::get_id());
    });
  }
  io.run();  // each context runs out of work once its handler ran
  CHECK(matched);
  CHECK(threads.size() == 3);  // one thread per context
}
