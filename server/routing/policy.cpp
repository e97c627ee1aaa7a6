#include "server/routing/policy.h"

#include "server/routing/cache_aware_policy.h"

namespace smg::routing {
namespace {

class DefaultRandom final : public Random {
 public:
  DefaultRandom() : engine_(std::random_device{}()) {}
  std::size_t uniform(std::size_t bound) override {
    std::lock_guard lock(mutex_);
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace

std::shared_ptr<Random> make_default_random() { return std::make_shared<DefaultRandom>(); }

std::shared_ptr<Worker> RoundRobinPolicy::select(const WorkerCandidates& candidates,
                                                 const RoutingKey& /*key*/) {
  if (candidates.empty()) {
    return nullptr;
  }
  return candidates[next_.fetch_add(1) % candidates.size()];
}

std::shared_ptr<Worker> RandomPolicy::select(const WorkerCandidates& candidates,
                                             const RoutingKey& /*key*/) {
  if (candidates.empty()) {
    return nullptr;
  }
  return candidates[random_->uniform(candidates.size())];
}

std::shared_ptr<Worker> PowerOfTwoPolicy::select(const WorkerCandidates& candidates,
                                                 const RoutingKey& /*key*/) {
  if (candidates.size() < 2) {
    return candidates.empty() ? nullptr : candidates.front();
  }
  std::size_t first = random_->uniform(candidates.size());
  // Draw the second from the other n-1 slots so the two are always distinct.
  std::size_t second = (first + 1 + random_->uniform(candidates.size() - 1)) % candidates.size();
  const auto& a = candidates[first];
  const auto& b = candidates[second];
  return b->load() < a->load() ? b : a;
}

Result<std::shared_ptr<Policy>> make_policy(std::string_view name,
                                            std::shared_ptr<Random> random) {
  if (!random) {
    random = make_default_random();
  }
  if (name == "round_robin") {
    return std::shared_ptr<Policy>(std::make_shared<RoundRobinPolicy>());
  }
  if (name == "random") {
    return std::shared_ptr<Policy>(std::make_shared<RandomPolicy>(random));
  }
  if (name == "power_of_two") {
    return std::shared_ptr<Policy>(std::make_shared<PowerOfTwoPolicy>(random));
  }
  if (name == "cache_aware") {
    return std::shared_ptr<Policy>(std::make_shared<CacheAwarePolicy>(CacheAwareOptions{}));
  }
  return invalid_argument("unknown_policy",
                          "unknown policy '" + std::string(name) +
                              "'; expected one of: random, round_robin, power_of_two, cache_aware");
}

}  // namespace smg::routing
