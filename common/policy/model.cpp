#include "common/policy/model.h"

namespace smg::policy {

std::vector<std::string_view> action_alternatives(std::string_view policy_action) {
  std::vector<std::string_view> alternatives;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = policy_action.find('|', start);
    alternatives.push_back(policy_action.substr(start, bar - start));
    if (bar == std::string_view::npos) {
      return alternatives;
    }
    start = bar + 1;
  }
}

bool action_match(std::string_view request_action, std::string_view policy_action) {
  for (std::string_view alternative : action_alternatives(policy_action)) {
    if (alternative == request_action) {
      return true;
    }
  }
  return false;
}

}  // namespace smg::policy
