// Policy: chooses one worker among routable candidates for a request (SMG's load-balancing
// policies). round_robin and random spread evenly; power_of_two samples two workers and keeps the
// less loaded; cache_aware (cache_aware_policy.h) sends shared prefixes to the same worker.
// Thread-safety: select() may be called from many threads at once.
//
//   auto policy = smg::routing::make_policy("power_of_two");   // Result<shared_ptr<Policy>>
//   if (!policy.ok()) { /* policy.status().message() lists the valid names */ }
//   std::shared_ptr<Worker> chosen = (*policy)->select(candidates, {.text = prompt});
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "server/workers/worker.h"

namespace smg::routing {

using workers::Worker;
using WorkerCandidates = std::vector<std::shared_ptr<Worker>>;

// What a policy may look at besides the candidates.
struct RoutingKey {
  std::string text;   // the request's prompt text (messages concatenated), for cache_aware
};

// The randomness seam; tests inject a scripted sequence.
class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, bound). REQUIRES: bound > 0.
  virtual std::size_t uniform(std::size_t bound) = 0;
};

// A mutex-guarded mt19937_64 seeded from std::random_device.
std::shared_ptr<Random> make_default_random();

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string_view name() const = 0;
  // Whether select() reads RoutingKey::text; callers skip extracting the prompt when it doesn't.
  virtual bool uses_request_text() const { return false; }
  // Returns one of `candidates`, or nullptr when it is empty.
  virtual std::shared_ptr<Worker> select(const WorkerCandidates& candidates,
                                         const RoutingKey& key) = 0;
};

class RoundRobinPolicy final : public Policy {
 public:
  std::string_view name() const override { return "round_robin"; }
  std::shared_ptr<Worker> select(const WorkerCandidates& candidates,
                                 const RoutingKey& key) override;

 private:
  std::atomic<std::size_t> next_{0};
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(std::shared_ptr<Random> random) : random_(std::move(random)) {}
  std::string_view name() const override { return "random"; }
  std::shared_ptr<Worker> select(const WorkerCandidates& candidates,
                                 const RoutingKey& key) override;

 private:
  std::shared_ptr<Random> random_;
};

class PowerOfTwoPolicy final : public Policy {
 public:
  explicit PowerOfTwoPolicy(std::shared_ptr<Random> random) : random_(std::move(random)) {}
  std::string_view name() const override { return "power_of_two"; }
  // Two distinct random candidates; the one with the lower in-flight load wins (first on a tie).
  std::shared_ptr<Worker> select(const WorkerCandidates& candidates,
                                 const RoutingKey& key) override;

 private:
  std::shared_ptr<Random> random_;
};

// "random", "round_robin", "power_of_two" or "cache_aware" (default options); anything else fails
// with reason "unknown_policy" and a message listing the four names. A null `random` means
// make_default_random().
Result<std::shared_ptr<Policy>> make_policy(std::string_view name,
                                            std::shared_ptr<Random> random = nullptr);

}  // namespace smg::routing
