#include "server/routing/router.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace smg::routing;
using namespace smg::workers;

namespace {

struct Fixture {
  smg::FixedClock clock{0};
  CircuitBreakerOptions breaker = [] {
    CircuitBreakerOptions o;
    o.failure_threshold = 2;
    o.success_threshold = 1;
    o.half_open_max_requests = 1;
    return o;
  }();
  WorkerRegistry registry{breaker, clock};
  Router router{registry, *make_policy("round_robin")};

  std::shared_ptr<Worker> add(const std::string& url, std::vector<std::string> models,
                              WorkerStatus status = WorkerStatus::kReady) {
    WorkerSpec spec;
    spec.url = url;
    spec.models = std::move(models);
    auto worker = *registry.add(std::move(spec));
    worker->set_status(status);
    return worker;
  }
};

}  // namespace

TEST_CASE("workers routing: router tells model_not_found from no_available_workers",
          "[workers][routing][router]") {
  Fixture f;
  SECTION("no workers at all: nothing is usable, not an unknown model") {
    CHECK(f.router.pick("m1").status().reason() == "no_available_workers");
    CHECK(f.router.pick("").status().reason() == "no_available_workers");
  }
  SECTION("nobody serves the model") {
    f.add("http://w1", {"m1"});
    auto result = f.router.pick("m2");
    CHECK(result.status().code() == smg::Code::kNotFound);
    CHECK(result.status().reason() == "model_not_found");
  }
  SECTION("served, but no worker is ready") {
    f.add("http://w1", {"m1"}, WorkerStatus::kNotReady);
    f.add("http://w2", {"m1"}, WorkerStatus::kPending);
    auto result = f.router.pick("m1");
    CHECK(result.status().code() == smg::Code::kUnavailable);
    CHECK(result.status().reason() == "no_available_workers");
  }
  SECTION("served, but the breaker is open") {
    auto worker = f.add("http://w1", {"m1"});
    worker->breaker().record_failure();
    worker->breaker().record_failure();
    CHECK(f.router.pick("m1").status().reason() == "no_available_workers");
  }
  SECTION("only workers that serve the model are picked") {
    f.add("http://w1", {"m1"});
    auto w2 = f.add("http://w2", {"m2"});
    for (int i = 0; i < 3; ++i) {
      auto lease = f.router.pick("m2");
      REQUIRE(lease.ok());
      CHECK(lease->shared_worker() == w2);
    }
    CHECK(f.router.pick("").ok());
  }
}

TEST_CASE("workers routing: leases count load and feed the breaker", "[workers][routing][router]") {
  Fixture f;
  auto worker = f.add("http://w1", {"m1"});
  {
    auto a = f.router.pick("m1");
    auto b = f.router.pick("m1");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(worker->load() == 2);
    WorkerLease moved = std::move(*a);
    CHECK(worker->load() == 2);
    moved.record_failure();
    moved.record_success();  // the first outcome counts
    CHECK(worker->breaker().consecutive_failures() == 1);
  }
  CHECK(worker->load() == 0);

  {
    auto lease = f.router.pick("m1");
    lease->record_failure();
  }
  CHECK(worker->breaker().state() == CircuitState::kOpen);
  f.clock.advance(60);
  {
    auto trial = f.router.pick("m1");
    REQUIRE(trial.ok());  // half-open: one trial
    CHECK(f.router.pick("m1").status().reason() == "no_available_workers");
  }  // dropped without an outcome: the slot comes back
  auto trial = f.router.pick("m1");
  REQUIRE(trial.ok());
  trial->record_success();
  CHECK(worker->breaker().state() == CircuitState::kClosed);
}

TEST_CASE("workers routing: draining workers leave routing but finish in-flight work",
          "[workers][routing][router]") {
  Fixture f;
  auto worker = f.add("http://w1", {"m1"});
  auto lease = f.router.pick("m1");
  REQUIRE(lease.ok());
  REQUIRE(f.registry.remove(worker->id()).ok());
  CHECK(f.router.pick("m1").status().reason() == "no_available_workers");
  CHECK(lease->worker().status() == WorkerStatus::kDraining);
  CHECK(worker->load() == 1);
  lease->record_success();
}

TEST_CASE("workers routing: models() is the union of registered workers' models",
          "[workers][routing][router]") {
  Fixture f;
  f.add("http://w1", {"b", "a"});
  f.add("http://w2", {"a", "c"}, WorkerStatus::kNotReady);
  auto gone = f.add("http://w3", {"z"});
  REQUIRE(f.registry.remove(gone->id()).ok());
  CHECK(f.router.models() == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("workers routing: concurrent picks while the control plane changes workers",
          "[workers][routing][router][concurrency]") {
  Fixture f;
  Router router(f.registry, *make_policy("cache_aware"));
  f.add("http://stable", {"m1"});
  std::atomic<bool> done{false};
  std::vector<std::thread> pickers;
  for (int t = 0; t < 3; ++t) {
    pickers.emplace_back([&, t] {
      for (int i = 0; !done.load() || i < 200; ++i) {
        auto lease = router.pick("m1", {.text = "prompt " + std::to_string((t + i) % 7)});
        if (lease.ok() && i % 3 == 0) {
          lease->record_failure();
        } else if (lease.ok()) {
          lease->record_success();
        }
      }
    });
  }
  for (int i = 0; i < 100; ++i) {
    auto worker = f.add("http://churn" + std::to_string(i), {"m1"});
    REQUIRE(f.registry.update(worker->id(), {{"priority", i}}, UpdateMode::kMerge).ok());
    REQUIRE(f.registry.remove(worker->id()).ok());
  }
  done = true;
  for (auto& picker : pickers) {
    picker.join();
  }
  for (const auto& worker : *f.registry.snapshot()) {
    CHECK(worker->load() == 0);
  }
}
