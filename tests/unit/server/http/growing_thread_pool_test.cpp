#include "server/http/growing_thread_pool.h"

#include <atomic>
#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include <future>

using smg::server::GrowingThreadPool;
using smg::server::ThreadPoolOptions;

namespace {

ThreadPoolOptions pool_options(std::size_t min_threads, std::size_t max_threads,
                               std::chrono::seconds idle) {
  ThreadPoolOptions o;
  o.min_threads = min_threads;
  o.max_threads = max_threads;
  o.idle_timeout = idle;
  return o;
}

using smg::test::eventually;

// A gate blocking tasks until opened.
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> opened = promise.get_future().share();
  void open() { promise.set_value(); }
};

}  // namespace

TEST_CASE("growing thread pool: grows past min under blocking tasks, up to max",
          "[http][thread_pool]") {
  GrowingThreadPool pool(pool_options(1, 4, std::chrono::seconds(1)));
  CHECK(pool.thread_count() == 1);
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < 6; ++i) {
    pool.enqueue([&] {
      ++started;
      gate.opened.wait();
      ++finished;
    });
  }
  REQUIRE(eventually([&] { return started == 4; }));
  CHECK(pool.thread_count() == 4);  // capped at max_threads; two tasks wait in the queue
  CHECK(started == 4);
  gate.open();
  REQUIRE(eventually([&] { return finished == 6; }));

  SECTION("surplus threads exit after idle_timeout, down to min") {
    REQUIRE(eventually([&] { return pool.thread_count() == 1; }, std::chrono::seconds(15)));
    // The pool still works after shrinking.
    std::promise<void> ran;
    pool.enqueue([&] { ran.set_value(); });
    CHECK(ran.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  }
}

TEST_CASE("growing thread pool: shutdown runs queued jobs, then refuses new ones",
          "[http][thread_pool]") {
  auto pool = std::make_unique<GrowingThreadPool>(pool_options(1, 1, std::chrono::seconds(30)));
  Gate gate;
  std::atomic<bool> blocker_started{false};
  std::atomic<int> ran{0};
  pool->enqueue([&] {
    blocker_started = true;
    gate.opened.wait();
  });
  REQUIRE(eventually([&] { return blocker_started.load(); }));
  for (int i = 0; i < 3; ++i) pool->enqueue([&] { ++ran; });
  auto shutdown = std::async(std::launch::async, [&] { pool->shutdown(); });
  CHECK(shutdown.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout);
  gate.open();
  REQUIRE(shutdown.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(ran == 3);
  CHECK(pool->thread_count() == 0);
  pool->enqueue([&] { ran += 100; });  // after shutdown: dropped
  pool.reset();
  CHECK(ran == 3);
}
