#include "server/discovery/reconciler.h"

#include <catch2/catch.hpp>

#include "common/clock/clock.h"

using namespace smg::discovery;
using smg::workers::WorkerRegistry;
using smg::workers::WorkerSpec;
using smg::workers::WorkerStatus;

namespace {

std::map<std::string, DesiredWorker> want(std::initializer_list<DesiredWorker> workers) {
  std::map<std::string, DesiredWorker> out;
  for (const auto& worker : workers) out.emplace(worker.url, worker);
  return out;
}

std::shared_ptr<smg::workers::Worker> find_url(WorkerRegistry& registry, const std::string& url) {
  auto snapshot = registry.snapshot();
  for (const auto& worker : *snapshot) {
    if (worker->url() == url) return worker;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("discovery: reconcile adds, keeps and removes discovered workers",
          "[discovery][reconcile]") {
  smg::FixedClock clock(1000);
  WorkerRegistry registry({}, clock);
  int woken = 0;
  Reconciler reconciler(registry, [&](const auto&) { ++woken; });

  auto counts = reconciler.reconcile(
      want({{"http://10.0.0.1:8000", "u1", "w-1"}, {"http://10.0.0.2:8000", "u2", "w-2"}}));
  CHECK(counts.added == 2);
  CHECK(counts.removed == 0);
  CHECK(counts.discovered == 2);
  CHECK(woken == 2);
  auto first = find_url(registry, "http://10.0.0.1:8000");
  REQUIRE(first);
  CHECK(first->spec().labels.at(kPodUidLabel) == "u1");
  CHECK(first->spec().labels.at(kPodNameLabel) == "w-1");
  CHECK(first->status() == WorkerStatus::kPending);
  CHECK(discovered_pod_uid(*first) == "u1");

  SECTION("the same set again changes nothing") {
    counts = reconciler.reconcile(
        want({{"http://10.0.0.1:8000", "u1", "w-1"}, {"http://10.0.0.2:8000", "u2", "w-2"}}));
    CHECK(counts.added == 0);
    CHECK(counts.removed == 0);
    CHECK(counts.discovered == 2);
    CHECK(find_url(registry, "http://10.0.0.1:8000")->id() == first->id());
  }
  SECTION("a pod gone is drained: removed from routing, marked draining") {
    counts = reconciler.reconcile(want({{"http://10.0.0.2:8000", "u2", "w-2"}}));
    CHECK(counts.removed == 1);
    CHECK(counts.discovered == 1);
    CHECK(find_url(registry, "http://10.0.0.1:8000") == nullptr);
    CHECK(first->status() == WorkerStatus::kDraining);  // a request holding it finishes
  }
  SECTION("the same URL with a new pod uid is replaced") {
    counts = reconciler.reconcile(
        want({{"http://10.0.0.1:8000", "u9", "w-1"}, {"http://10.0.0.2:8000", "u2", "w-2"}}));
    CHECK(counts.removed == 1);
    CHECK(counts.added == 1);
    auto replaced = find_url(registry, "http://10.0.0.1:8000");
    REQUIRE(replaced);
    CHECK(replaced->id() != first->id());
    CHECK(discovered_pod_uid(*replaced) == "u9");
    CHECK(first->status() == WorkerStatus::kDraining);
  }
  SECTION("nothing wanted removes every discovered worker") {
    counts = reconciler.reconcile({});
    CHECK(counts.removed == 2);
    CHECK(registry.size() == 0);
  }
  SECTION("a discovered worker deleted by hand comes back at the next pass") {
    REQUIRE(registry.remove(first->id()).ok());
    counts = reconciler.reconcile(
        want({{"http://10.0.0.1:8000", "u1", "w-1"}, {"http://10.0.0.2:8000", "u2", "w-2"}}));
    CHECK(counts.added == 1);
    CHECK(find_url(registry, "http://10.0.0.1:8000") != nullptr);
  }
}

TEST_CASE("discovery: reconcile never touches hand-added workers", "[discovery][reconcile]") {
  smg::FixedClock clock(1000);
  WorkerRegistry registry({}, clock);
  WorkerSpec manual;
  manual.url = "http://10.0.0.1:8000";
  manual.labels = {{"zone", "a"}};
  auto hand = registry.add(manual);
  REQUIRE(hand.ok());
  WorkerSpec other;
  other.url = "http://10.9.9.9:8000";
  REQUIRE(registry.add(other).ok());
  Reconciler reconciler(registry);

  SECTION("an empty desired set leaves them") {
    auto counts = reconciler.reconcile({});
    CHECK(counts.removed == 0);
    CHECK(registry.size() == 2);
  }
  SECTION("a pod on a hand-added worker's URL is a conflict, not a takeover") {
    auto counts = reconciler.reconcile(want({{"http://10.0.0.1:8000", "u1", "w-1"}}));
    CHECK(counts.added == 0);
    CHECK(counts.conflicts == 1);
    CHECK(counts.discovered == 0);
    auto still = find_url(registry, "http://10.0.0.1:8000");
    REQUIRE(still);
    CHECK(still->id() == (*hand)->id());
    CHECK(discovered_pod_uid(*still).empty());
    CHECK(still->status() != WorkerStatus::kDraining);
  }
}

TEST_CASE("discovery: reconcile counts adds the registry refuses", "[discovery][reconcile]") {
  smg::FixedClock clock(1000);
  WorkerRegistry registry({}, clock);
  Reconciler reconciler(registry);
  auto counts = reconciler.reconcile(want({{"http://bad host:80", "u1", "w-1"}}));
  CHECK(counts.failed == 1);
  CHECK(registry.size() == 0);
}
