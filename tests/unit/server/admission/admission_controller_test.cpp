#include "server/admission/admission_controller.h"

#include <atomic>
#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include <future>
#include <optional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock/clock.h"

using smg::admission::AdmissionController;
using smg::admission::AdmissionOptions;
using smg::admission::Permit;

namespace {

AdmissionOptions options(std::size_t max_concurrent, std::size_t queue_size,
                         std::chrono::milliseconds timeout) {
  AdmissionOptions o;
  o.max_concurrent = max_concurrent;
  o.queue_size = queue_size;
  o.queue_timeout = timeout;
  return o;
}

using smg::test::eventually;

}  // namespace

TEST_CASE("admission: disabled admits everything", "[admission]") {
  AdmissionController admission(options(0, 0, std::chrono::milliseconds(1)));
  std::vector<Permit> permits;
  for (int i = 0; i < 100; ++i) {
    auto permit = admission.acquire();
    REQUIRE(permit.ok());
    permits.push_back(std::move(*permit));
  }
  CHECK(admission.in_flight() == 0);
}

TEST_CASE("admission: at most max_concurrent, permits release on scope exit", "[admission]") {
  AdmissionController admission(options(2, 0, std::chrono::seconds(60)));
  {
    auto a = admission.acquire();
    auto b = admission.acquire();
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(admission.in_flight() == 2);
    auto c = admission.acquire();  // no queue at all: full at once
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().reason() == "admission_queue_full");
    CHECK(c.status().code() == smg::Code::kResourceExhausted);
    Permit moved = std::move(*a);
    CHECK(admission.in_flight() == 2);
    moved = Permit();  // move-assigning releases the old permit
    CHECK(admission.in_flight() == 1);
  }
  CHECK(admission.in_flight() == 0);
  CHECK(admission.acquire().ok());
}

TEST_CASE("admission: a full queue answers admission_queue_full at once", "[admission]") {
  AdmissionController admission(options(1, 1, std::chrono::seconds(60)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  auto waiter = std::async(std::launch::async, [&] { return admission.acquire().ok(); });
  REQUIRE(eventually([&] { return admission.waiting() == 1; }));
  auto rejected = admission.acquire();
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.status().reason() == "admission_queue_full");
  *held = Permit();  // frees the slot: the waiter gets it
  REQUIRE(waiter.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(waiter.get());
  CHECK(admission.waiting() == 0);
  CHECK(admission.in_flight() == 0);
}

TEST_CASE("admission: a waiter past queue_timeout gets admission_queue_timeout", "[admission]") {
  AdmissionController admission(options(1, 5, std::chrono::milliseconds(50)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  auto timed_out = admission.acquire();
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.status().reason() == "admission_queue_timeout");
  CHECK(timed_out.status().code() == smg::Code::kUnavailable);
  CHECK(admission.waiting() == 0);
  CHECK(admission.in_flight() == 1);
}

TEST_CASE("admission: concurrency never exceeds the limit under contention", "[admission]") {
  AdmissionController admission(options(3, 100, std::chrono::seconds(60)));
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto permit = admission.acquire();
        if (!permit.ok()) continue;
        ++admitted;
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::yield();
        --running;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(admitted == 1600);
  CHECK(peak <= 3);
  CHECK(peak >= 1);
  CHECK(admission.in_flight() == 0);
  CHECK(admission.waiting() == 0);
}

TEST_CASE("admission bucket: refill adds tokens up to the capacity only", "[admission]") {
  using smg::admission::AdmissionBucket;
  using std::chrono::seconds;
  AdmissionBucket::TimePoint t0{};
  AdmissionBucket bucket(2, 0.5, t0);  // 2 tokens, one more every 2 s
  CHECK(bucket.try_take());
  CHECK(bucket.try_take());
  CHECK_FALSE(bucket.try_take());
  CHECK(bucket.until_token() == std::chrono::seconds(2) + std::chrono::nanoseconds(1));
  bucket.refill(t0 + seconds(1));
  CHECK_FALSE(bucket.try_take());  // half a token
  bucket.refill(t0 + seconds(2));
  CHECK(bucket.try_take());
  bucket.refill(t0 + seconds(100));
  CHECK(bucket.tokens() == 2);
  bucket.give_back();  // a finished request's token: still capped
  CHECK(bucket.tokens() == 2);
  SECTION("without refill the bucket is a concurrency cap") {
    AdmissionBucket cap(1, 0, t0);
    CHECK(cap.try_take());
    cap.refill(t0 + seconds(3600));
    CHECK_FALSE(cap.try_take());
    CHECK(cap.until_token() == std::chrono::nanoseconds::max());
    cap.give_back();
    CHECK(cap.try_take());
  }
}

TEST_CASE("admission: --rate-limit-tokens-per-second admits past the cap as the bucket refills",
          "[admission]") {
  smg::FixedClock clock(1000);
  AdmissionOptions o = options(2, 0, std::chrono::seconds(60));
  o.refill_per_second = 1;
  o.clock = &clock;
  AdmissionController admission(o);
  auto a = admission.acquire();
  auto b = admission.acquire();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK_FALSE(admission.acquire().ok());  // no token, no queue
  clock.advance(1);                       // one token refilled while both still run
  auto c = admission.acquire();
  REQUIRE(c.ok());
  CHECK(admission.in_flight() == 3);
  CHECK_FALSE(admission.acquire().ok());
  *a = Permit();
  *b = Permit();
  *c = Permit();  // three tokens back, but the bucket holds two at most
  CHECK(admission.acquire().ok());
  CHECK(admission.acquire().ok());
}

TEST_CASE("admission: a waiter is admitted by the refill without any release", "[admission]") {
  AdmissionOptions o = options(1, 4, std::chrono::seconds(5));
  o.refill_per_second = 20;  // a token every 50 ms
  AdmissionController admission(o);
  auto held = admission.acquire();
  REQUIRE(held.ok());
  auto started = std::chrono::steady_clock::now();
  auto next = admission.acquire();  // waits ~50 ms for the refill, the permit still held
  CHECK(next.ok());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("admission: waiters are served first come first served", "[admission]") {
  AdmissionController admission(options(1, 10, std::chrono::seconds(30)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  std::mutex order_mutex;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 5; ++i) {
    waiters.emplace_back([&, i] {
      auto permit = admission.acquire();
      std::lock_guard<std::mutex> lock(order_mutex);
      order.push_back(i);
    });
    // Each waiter queues before the next starts.
    REQUIRE(eventually([&] { return admission.waiting() == static_cast<std::size_t>(i + 1); }));
  }
  *held = Permit();
  for (auto& waiter : waiters) waiter.join();
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("admission: a queued waiter holds no thread and is granted by the release", "[admission]") {
  AdmissionController admission(options(1, 10, std::chrono::seconds(30)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  std::optional<smg::Result<Permit>> granted;
  std::thread::id granted_on;
  auto ticket = admission.acquire_async([&](smg::Result<Permit> permit) {
    granted_on = std::this_thread::get_id();
    granted.emplace(std::move(permit));
  });
  CHECK(ticket != 0);
  CHECK_FALSE(granted.has_value());  // returned at once: nobody waits
  CHECK(admission.waiting() == 1);
  *held = Permit();  // this thread releases, so this thread grants
  REQUIRE(granted.has_value());
  CHECK(granted->ok());
  CHECK(granted_on == std::this_thread::get_id());
  CHECK(admission.in_flight() == 1);
  CHECK(admission.waiting() == 0);
}

TEST_CASE("admission: a cancelled waiter leaves the queue and is never granted", "[admission]") {
  AdmissionController admission(options(1, 10, std::chrono::seconds(30)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  int calls = 0;
  auto first = admission.acquire_async([&](smg::Result<Permit>) { ++calls; });
  std::optional<smg::Result<Permit>> second;
  admission.acquire_async([&](smg::Result<Permit> permit) { second.emplace(std::move(permit)); });
  CHECK(admission.waiting() == 2);
  CHECK(admission.cancel(first));
  CHECK_FALSE(admission.cancel(first));  // once only
  CHECK(admission.waiting() == 1);
  *held = Permit();
  CHECK(calls == 0);
  REQUIRE(second.has_value());
  CHECK(second->ok());  // the next in line got the token
}

TEST_CASE("admission: a queued waiter times out from the timer thread", "[admission]") {
  AdmissionController admission(options(1, 10, std::chrono::milliseconds(50)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  std::promise<smg::Result<Permit>> granted;
  auto result = granted.get_future();
  admission.acquire_async([&](smg::Result<Permit> permit) { granted.set_value(std::move(permit)); });
  REQUIRE(result.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto permit = result.get();
  REQUIRE_FALSE(permit.ok());
  CHECK(permit.status().reason() == "admission_queue_timeout");
  CHECK(admission.waiting() == 0);
}

TEST_CASE("admission: grants that release at once do not deepen the stack", "[admission]") {
  constexpr int kWaiters = 20000;  // nested grants this deep would overflow a thread's stack
  AdmissionController admission(options(1, kWaiters, std::chrono::seconds(30)));
  auto held = admission.acquire();
  REQUIRE(held.ok());
  int granted = 0;
  for (int i = 0; i < kWaiters; ++i) {
    // Each grant drops its permit at once, which grants the next waiter.
    admission.acquire_async([&](smg::Result<Permit> permit) { granted += permit.ok() ? 1 : 0; });
  }
  *held = Permit();
  CHECK(granted == kWaiters);
  CHECK(admission.in_flight() == 0);
}
