#include "server/http/blocking_pool.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "tests/support/eventually.h"
#include "tests/support/waitable_counter.h"

using namespace std::chrono_literals;
using smg::server::BlockingPool;

namespace {

smg::server::BlockingPoolOptions sized(std::size_t min_threads, std::size_t max_threads) {
  smg::server::BlockingPoolOptions options;
  options.min_threads = min_threads;
  options.max_threads = max_threads;
  return options;
}

boost::asio::awaitable<int> twice_on_pool(BlockingPool& pool, int value,
                                          std::thread::id* ran_on) {
  int result = co_await pool.run([value, ran_on] {
    *ran_on = std::this_thread::get_id();
    return value * 2;
  });
  co_return result;
}

boost::asio::awaitable<int> throwing_on_pool(BlockingPool& pool) {
  int result = co_await pool.run([]() -> int { throw std::runtime_error("boom"); });
  co_return result;
}

}  // namespace

TEST_CASE("blocking pool: a coroutine awaits a result computed on a pool thread",
          "[http][pool]") {
  BlockingPool pool(sized(1, 4));
  boost::asio::io_context io;
  std::thread::id ran_on;
  auto result = boost::asio::co_spawn(io, twice_on_pool(pool, 21, &ran_on), boost::asio::use_future);
  io.run();  // returns only once the pool's result has been delivered
  CHECK(result.get() == 42);
  CHECK(ran_on != std::this_thread::get_id());
}

TEST_CASE("blocking pool: an exception reaches the awaiting coroutine", "[http][pool]") {
  BlockingPool pool(sized(1, 2));
  boost::asio::io_context io;
  auto result = boost::asio::co_spawn(io, throwing_on_pool(pool), boost::asio::use_future);
  io.run();
  CHECK_THROWS_AS(result.get(), std::runtime_error);
}

TEST_CASE("blocking pool: blocked tasks get threads of their own up to max_threads",
          "[http][pool]") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  smg::test::WaitableCounter started;
  auto pool = std::make_unique<BlockingPool>(sized(1, 8));
  for (int i = 0; i < 12; ++i) {
    pool->submit(BlockingPool::Task([&, released] {
      started.increment();
      released.wait();
    }));
  }
  REQUIRE(started.wait_for(8, 5s));
  CHECK(pool->thread_count() == 8);
  CHECK(started.value() == 8);  // the other four wait for a thread
  release.set_value();
  REQUIRE(started.wait_for(12, 5s));
  pool.reset();  // waits for every task
  CHECK(started.value() == 12);
}

TEST_CASE("blocking pool: threads above min_threads retire when idle", "[http][pool]") {
  smg::server::BlockingPoolOptions options = sized(1, 8);
  options.idle_timeout = 50ms;
  BlockingPool pool(options);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  smg::test::WaitableCounter started;
  for (int i = 0; i < 4; ++i) {
    pool.submit(BlockingPool::Task([&, released] {
      started.increment();
      released.wait();
    }));
  }
  REQUIRE(started.wait_for(4, 5s));
  CHECK(pool.thread_count() == 4);
  release.set_value();
  CHECK(smg::test::eventually([&] { return pool.thread_count() == 1; }, 5s));
}
