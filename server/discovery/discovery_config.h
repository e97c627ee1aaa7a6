// DiscoveryConfig: what `--service-discovery` and its companions say, as plain
// values, and the label selector they carry.
//
// A selector is `k=v` pairs, all of which a pod's labels must hold (SMG: split on the first `=`,
// items without one dropped; a later pair for the same key wins). An empty selector matches no
// pod, as in SMG, so `--service-discovery` without `--selector` discovers nothing.
// Thread-safety: plain values and pure functions.
//
//   DiscoveryConfig config;
//   config.selector = parse_selector({"app=sglang-worker", "tier=gpu"});
//   bool match = selector_matches(config.selector, pod.labels);
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace smg::discovery {

using LabelSelector = std::vector<std::pair<std::string, std::string>>;

struct DiscoveryConfig {
  bool enabled = false;        // --service-discovery
  LabelSelector selector;      // --selector k=v (repeatable)
  int port = 80;               // --service-discovery-port: when a pod has no smg.ai/worker-ports
  std::string namespace_name;  // --service-discovery-namespace; empty: all namespaces
  std::string kubeconfig;      // --kubeconfig / $KUBECONFIG; empty: in-cluster service account

  // Not flags: SMG's fixed constants, and knobs tests turn down.
  std::chrono::milliseconds resync_interval{60000};  // periodic reconcile (no API calls)
  std::chrono::milliseconds backoff_initial{800};    // first retry after an API error
  std::chrono::milliseconds backoff_max{30000};      // retries never wait longer
  std::chrono::seconds watch_timeout{290};           // timeoutSeconds of one WATCH request
  std::chrono::milliseconds request_timeout{30000};  // one LIST page
  int list_page_size = 500;                          // LIST limit
};

// With discovery on: a selector (an empty one would match no pod) and a port in 1..65535.
// Fails with reason "config_invalid" naming the flag.
Status validate_discovery_config(const DiscoveryConfig& config);

// Splits each item on its first '='; items without '=' or with an empty key are dropped.
LabelSelector parse_selector(const std::vector<std::string>& items);
// True when every pair holds in `labels`; false for an empty selector.
bool selector_matches(const LabelSelector& selector,
                      const std::map<std::string, std::string>& labels);
// "k=v,k2=v2": the API's labelSelector query value (before URL encoding).
std::string selector_query(const LabelSelector& selector);

}  // namespace smg::discovery
