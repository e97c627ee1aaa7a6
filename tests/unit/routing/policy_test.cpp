#include "server/routing/policy.h"

#include <catch2/catch.hpp>

#include <deque>
#include <map>

#include "server/routing/cache_aware_policy.h"

using namespace smg::routing;
using smg::workers::WorkerSpec;

namespace {

// Hands out a scripted sequence of draws (each taken modulo the bound).
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::deque<std::size_t> draws) : draws_(std::move(draws)) {}
  std::size_t uniform(std::size_t bound) override {
    std::size_t draw = draws_.empty() ? 0 : draws_.front();
    if (!draws_.empty()) {
      draws_.pop_front();
    }
    return draw % bound;
  }

 private:
  std::deque<std::size_t> draws_;
};

struct Pool {
  smg::FixedClock clock{0};
  WorkerCandidates workers;
  explicit Pool(int n, const std::string& prefix = "id-") {
    for (int i = 0; i < n; ++i) {
      WorkerSpec spec;
      spec.url = "http://w" + std::to_string(i);
      workers.push_back(std::make_shared<Worker>(prefix + std::to_string(i), spec,
                                                 smg::workers::CircuitBreakerOptions{}, clock));
    }
  }
};

}  // namespace

TEST_CASE("workers routing: make_policy knows the four SMG names", "[workers][routing]") {
  for (const char* name : {"random", "round_robin", "power_of_two", "cache_aware"}) {
    auto policy = make_policy(name);
    REQUIRE(policy.ok());
    CHECK((*policy)->name() == name);
  }
  auto unknown = make_policy("least_busy");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().reason() == "unknown_policy");
  CHECK(unknown.status().message().find("random, round_robin, power_of_two, cache_aware") !=
        std::string::npos);
}

TEST_CASE("workers routing: empty candidates give nullptr", "[workers][routing]") {
  for (const char* name : {"random", "round_robin", "power_of_two", "cache_aware"}) {
    CHECK((*make_policy(name))->select({}, {}) == nullptr);
  }
}

TEST_CASE("workers routing: round_robin alternates", "[workers][routing]") {
  Pool pool(3);
  RoundRobinPolicy policy;
  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i) {
    order.push_back(policy.select(pool.workers, {})->id());
  }
  CHECK(order == std::vector<std::string>{"id-0", "id-1", "id-2", "id-0", "id-1", "id-2"});
}

TEST_CASE("workers routing: random follows its Random and covers every worker",
          "[workers][routing]") {
  Pool pool(3);
  RandomPolicy scripted(std::make_shared<ScriptedRandom>(std::deque<std::size_t>{2, 0, 1}));
  CHECK(scripted.select(pool.workers, {})->id() == "id-2");
  CHECK(scripted.select(pool.workers, {})->id() == "id-0");
  CHECK(scripted.select(pool.workers, {})->id() == "id-1");

  RandomPolicy real(make_default_random());
  std::map<std::string, int> hits;
  for (int i = 0; i < 3000; ++i) {
    hits[real.select(pool.workers, {})->id()]++;
  }
  REQUIRE(hits.size() == 3);
  for (const auto& [id, count] : hits) {
    CHECK(count > 800);
  }
}

TEST_CASE("workers routing: power_of_two prefers the less loaded", "[workers][routing]") {
  Pool pool(3);
  pool.workers[0]->add_load(10);
  pool.workers[1]->add_load(1);
  pool.workers[2]->add_load(5);
  SECTION("of the two sampled, the lower load wins") {
    // draws: first=0, second=(0+1+0)%3=1 → w1 (load 1) beats w0 (load 10)
    PowerOfTwoPolicy policy(std::make_shared<ScriptedRandom>(std::deque<std::size_t>{0, 0}));
    CHECK(policy.select(pool.workers, {})->id() == "id-1");
  }
  SECTION("the two sampled are always distinct") {
    // first=2, second=(2+1+1)%3=1 → w1
    PowerOfTwoPolicy policy(std::make_shared<ScriptedRandom>(std::deque<std::size_t>{2, 1}));
    CHECK(policy.select(pool.workers, {})->id() == "id-1");
  }
  SECTION("over many picks the most loaded is never chosen") {
    PowerOfTwoPolicy policy(make_default_random());
    std::map<std::string, int> hits;
    for (int i = 0; i < 600; ++i) {
      hits[policy.select(pool.workers, {})->id()]++;
    }
    CHECK(hits["id-0"] == 0);
    CHECK(hits["id-1"] > hits["id-2"]);
  }
}

TEST_CASE("workers routing: cache_aware keeps shared prefixes on one worker",
          "[workers][routing]") {
  Pool pool(3);
  CacheAwarePolicy policy({});
  const std::string system = "You are a helpful assistant that answers about geography. ";
  auto first = policy.select(pool.workers, {.text = system + "Capital of France?"});
  // New prefixes spread to the workers with the smallest trees.
  auto other = policy.select(pool.workers, {.text = "Translate to German: good morning, friend"});
  CHECK(other != first);
  for (const char* question : {"Capital of Spain?", "Longest river?", "Highest mountain?"}) {
    CHECK(policy.select(pool.workers, {.text = system + question}) == first);
  }
  CHECK(policy.tree_size(first->id()) > policy.tree_size(other->id()));
}

TEST_CASE("workers routing: cache_aware falls back to the least loaded when imbalanced",
          "[workers][routing]") {
  Pool pool(2);
  CacheAwarePolicy policy({});
  const std::string text = "a long shared prompt prefix that would normally stick";
  auto first = policy.select(pool.workers, {.text = text});
  auto second = first == pool.workers[0] ? pool.workers[1] : pool.workers[0];
  SECTION("small differences keep affinity") {
    first->add_load(20);
    CHECK(policy.select(pool.workers, {.text = text}) == first);
  }
  SECTION("beyond both thresholds, load wins") {
    first->add_load(40);  // 40 - 0 > 32 and 40 > 0 * 1.5
    CHECK(policy.select(pool.workers, {.text = text}) == second);
  }
  SECTION("relative balance alone keeps affinity") {
    first->add_load(100);
    second->add_load(80);  // 20 <= 32
    CHECK(policy.select(pool.workers, {.text = text}) == first);
  }
}

TEST_CASE("workers routing: cache_aware forgets workers that are gone", "[workers][routing]") {
  auto pool = std::make_unique<Pool>(1, "old-");
  CacheAwarePolicy policy({});
  policy.select(pool->workers, {.text = "hello"});
  CHECK(policy.tree_size("old-0") == 5);
  SECTION("a new worker under the same id starts with an empty tree") {
    pool = std::make_unique<Pool>(1, "old-");
    policy.select(pool->workers, {.text = "x"});
    CHECK(policy.tree_size("old-0") == 1);
  }
  SECTION("trees of destroyed workers are swept") {
    pool.reset();
    Pool next(1, "new-");
    for (int i = 0; i < 1100; ++i) {
      policy.select(next.workers, {.text = "x"});
    }
    CHECK(policy.tree_size("old-0") == 0);
  }
}

TEST_CASE("routing: only cache_aware reads the request text", "[routing][policy]") {
  for (const char* name : {"round_robin", "random", "power_of_two"}) {
    INFO(name);
    CHECK_FALSE((*smg::routing::make_policy(name))->uses_request_text());
  }
  CHECK((*smg::routing::make_policy("cache_aware"))->uses_request_text());
}
