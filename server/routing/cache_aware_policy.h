// CacheAwarePolicy: SMG's cache_aware routing. Each worker has a PrefixTree of the request texts
// recently routed to it. While load is balanced, a request goes to the worker whose tree shares
// the longest prefix with it, if that match covers at least `cache_threshold` of the text (its KV
// cache probably still holds the prefix); otherwise to the worker with the smallest tree (to
// spread new prefixes). When load is imbalanced, the least loaded worker wins outright. The
// chosen worker's tree then records the text.
// Imbalanced means both (max - min) > balance_abs_threshold and max > min * balance_rel_threshold,
// as in SMG: with only one of them, a single request on an idle pool would defeat affinity.
// Trees of workers that no longer exist are dropped lazily.
// Thread-safety: select() may be called from many threads at once (one internal mutex).
//
//   smg::routing::CacheAwarePolicy policy({.cache_threshold = 0.5});
//   auto worker = policy.select(candidates, {.text = "system prompt ... user question"});
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/routing/policy.h"
#include "server/routing/prefix_tree.h"

namespace smg::routing {

struct CacheAwareOptions {
  double cache_threshold = 0.5;        // --cache-threshold: minimum match ratio for affinity
  int64_t balance_abs_threshold = 32;  // --balance-abs-threshold
  double balance_rel_threshold = 1.5;  // --balance-rel-threshold
  PrefixTreeOptions tree;              // per-worker memory bound (--max-tree-size analogue)
};

class CacheAwarePolicy final : public Policy {
 public:
  explicit CacheAwarePolicy(CacheAwareOptions options);
  std::string_view name() const override { return "cache_aware"; }
  bool uses_request_text() const override { return true; }
  std::shared_ptr<Worker> select(const WorkerCandidates& candidates,
                                 const RoutingKey& key) override;

  // Characters remembered for a worker (0 when unknown); for tests and metrics.
  std::size_t tree_size(const std::string& worker_id) const;

 private:
  struct Entry {
    std::weak_ptr<Worker> worker;
    PrefixTree tree;
  };
  // REQUIRES: mutex_ held.
  Entry& entry_locked(const std::shared_ptr<Worker>& worker);
  std::shared_ptr<Worker> by_prefix_locked(const WorkerCandidates& candidates,
                                           const std::string& text);
  void sweep_locked();

  const CacheAwareOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> trees_;  // by worker id
  std::size_t selections_ = 0;
};

}  // namespace smg::routing
