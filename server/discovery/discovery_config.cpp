#include "server/discovery/discovery_config.h"

#include <algorithm>

namespace smg::discovery {

Status validate_discovery_config(const DiscoveryConfig& config) {
  if (!config.enabled) return Status::ok_status();
  if (config.selector.empty()) {
    return invalid_argument("config_invalid",
                            "--service-discovery needs --selector k=v (an empty selector matches "
                            "no pod)");
  }
  if (config.port < 1 || config.port > 65535) {
    return invalid_argument("config_invalid",
                            "--service-discovery-port: must be between 1 and 65535");
  }
  return Status::ok_status();
}

LabelSelector parse_selector(const std::vector<std::string>& items) {
  LabelSelector selector;
  for (const auto& item : items) {
    auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    std::string key = item.substr(0, equals);
    std::string value = item.substr(equals + 1);
    auto same_key = [&](const auto& pair) { return pair.first == key; };
    auto existing = std::find_if(selector.begin(), selector.end(), same_key);
    if (existing != selector.end()) {
      existing->second = std::move(value);
    } else {
      selector.emplace_back(std::move(key), std::move(value));
    }
  }
  return selector;
}

bool selector_matches(const LabelSelector& selector,
                      const std::map<std::string, std::string>& labels) {
  if (selector.empty()) return false;
  return std::all_of(selector.begin(), selector.end(), [&](const auto& pair) {
    auto it = labels.find(pair.first);
    return it != labels.end() && it->second == pair.second;
  });
}

std::string selector_query(const LabelSelector& selector) {
  std::string out;
  for (const auto& [key, value] : selector) {
    if (!out.empty()) out += ',';
    out += key + "=" + value;
  }
  return out;
}

}  // namespace smg::discovery
