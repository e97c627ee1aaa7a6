#include "server/routing/cache_aware_policy.h"

#include <algorithm>

namespace smg::routing {
namespace {

constexpr std::size_t kSweepEvery = 1024;

bool imbalanced(const WorkerCandidates& candidates, const CacheAwareOptions& options) {
  auto by_load = [](const auto& a, const auto& b) { return a->load() < b->load(); };
  auto [lo, hi] = std::minmax_element(candidates.begin(), candidates.end(), by_load);
  int64_t min_load = (*lo)->load();
  int64_t max_load = (*hi)->load();
  double relative_bound = static_cast<double>(min_load) * options.balance_rel_threshold;
  return max_load - min_load > options.balance_abs_threshold &&
         static_cast<double>(max_load) > relative_bound;
}

std::shared_ptr<Worker> least_loaded(const WorkerCandidates& candidates) {
  return *std::min_element(candidates.begin(), candidates.end(),
                           [](const auto& a, const auto& b) { return a->load() < b->load(); });
}

}  // namespace

CacheAwarePolicy::CacheAwarePolicy(CacheAwareOptions options) : options_(options) {}

CacheAwarePolicy::Entry& CacheAwarePolicy::entry_locked(const std::shared_ptr<Worker>& worker) {
  auto it = trees_.find(worker->id());
  if (it == trees_.end()) {
    it = trees_.emplace(worker->id(), Entry{worker, PrefixTree(options_.tree)}).first;
  } else if (it->second.worker.lock() != worker) {
    // A different worker under a known id: what the old one cached says nothing about this one.
    it->second = Entry{worker, PrefixTree(options_.tree)};
  }
  return it->second;
}

void CacheAwarePolicy::sweep_locked() {
  std::erase_if(trees_, [](const auto& item) { return item.second.worker.expired(); });
}

std::shared_ptr<Worker> CacheAwarePolicy::by_prefix_locked(const WorkerCandidates& candidates,
                                                           const std::string& text) {
  std::shared_ptr<Worker> best_match;
  std::size_t best_length = 0;
  std::shared_ptr<Worker> smallest;
  std::size_t smallest_size = SIZE_MAX;
  for (const auto& worker : candidates) {
    const PrefixTree& tree = entry_locked(worker).tree;
    std::size_t length = tree.match_length(text);
    if (length > best_length) {
      best_match = worker;
      best_length = length;
    }
    if (tree.size_chars() < smallest_size) {
      smallest = worker;
      smallest_size = tree.size_chars();
    }
  }
  double ratio =
      text.empty() ? 0.0 : static_cast<double>(best_length) / static_cast<double>(text.size());
  return best_match && ratio >= options_.cache_threshold ? best_match : smallest;
}

std::shared_ptr<Worker> CacheAwarePolicy::select(const WorkerCandidates& candidates,
                                                 const RoutingKey& key) {
  if (candidates.empty()) {
    return nullptr;
  }
  // Match on the same cut text the trees store, so ratios compare like with like.
  std::string text = key.text.substr(0, std::min(key.text.size(), options_.tree.max_text_chars));
  std::lock_guard lock(mutex_);
  if (++selections_ % kSweepEvery == 0) {
    sweep_locked();
  }
  std::shared_ptr<Worker> chosen = imbalanced(candidates, options_)
                                       ? least_loaded(candidates)
                                       : by_prefix_locked(candidates, text);
  entry_locked(chosen).tree.insert(text);
  return chosen;
}

std::size_t CacheAwarePolicy::tree_size(const std::string& worker_id) const {
  std::lock_guard lock(mutex_);
  auto it = trees_.find(worker_id);
  return it == trees_.end() ? 0 : it->second.tree.size_chars();
}

}  // namespace smg::routing
