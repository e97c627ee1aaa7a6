#include "server/admission/admission_controller.h"

#include <atomic>
#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include <future>
#include <thread>

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
