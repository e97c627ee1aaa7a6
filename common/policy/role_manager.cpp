#include "common/policy/role_manager.h"

#include <algorithm>
#include <utility>

namespace smg::policy {

RoleManager::RoleManager(const std::vector<RoleLink>& links) {
  for (const RoleLink& link : links) {
    auto [entry, inserted] =
        direct_roles_.try_emplace(internal::PairKey{link.dom, link.member});
    if (inserted) {
      members_by_domain_[link.dom].push_back(link.member);
    }
    std::vector<std::string>& roles = entry->second;
    if (std::find(roles.begin(), roles.end(), link.role) == roles.end()) {
      roles.push_back(link.role);
    }
  }
}

std::unordered_map<std::string, std::string> RoleManager::walk(
    std::string_view subject, std::string_view domain, std::vector<std::string>& order) const {
  std::unordered_map<std::string, std::string> reached_from{{std::string(subject), ""}};
  order.assign(1, std::string(subject));
  std::size_t level_begin = 0;
  // Level d holds the names d links away; links from level kMaxRoleDepth are not followed.
  for (std::size_t depth = 0; depth < kMaxRoleDepth && level_begin < order.size(); ++depth) {
    const std::size_t level_end = order.size();
    for (std::size_t i = level_begin; i < level_end; ++i) {
      auto roles = direct_roles_.find(internal::PairView{domain, order[i]});
      if (roles == direct_roles_.end()) {
        continue;
      }
      for (const std::string& role : roles->second) {
        if (reached_from.try_emplace(role, order[i]).second) {
          order.push_back(role);
        }
      }
    }
    level_begin = level_end;
  }
  return reached_from;
}

std::vector<std::string> RoleManager::roles_of(std::string_view subject,
                                               std::string_view domain) const {
  std::vector<std::string> order;
  walk(subject, domain, order);
  return order;
}

bool RoleManager::has_link(std::string_view subject, std::string_view role,
                           std::string_view domain) const {
  return !chain(subject, role, domain).empty();
}

std::vector<std::string> RoleManager::chain(std::string_view subject, std::string_view role,
                                            std::string_view domain) const {
  std::vector<std::string> order;
  const auto reached_from = walk(subject, domain, order);
  auto at = reached_from.find(std::string(role));
  if (at == reached_from.end()) {
    return {};
  }
  std::vector<std::string> path{at->first};
  while (!at->second.empty()) {
    at = reached_from.find(at->second);
    path.push_back(at->first);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<std::string> RoleManager::members(std::string_view domain) const {
  auto found = members_by_domain_.find(std::string(domain));
  return found == members_by_domain_.end() ? std::vector<std::string>{} : found->second;
}

}  // namespace smg::policy
