#include "common/policy/enforcer.h"

#include <algorithm>
#include <utility>

namespace smg::policy {

using internal::PairKey;
using internal::PairMap;
using internal::PairView;

Result<Enforcer> Enforcer::build(const std::vector<std::string>& lines) {
  ParsedPolicy policy;
  if (Status s = policy.add_lines(lines, "policy"); !s.ok()) {
    return s;
  }
  return build(std::move(policy));
}

Enforcer Enforcer::build(ParsedPolicy policy) {
  Enforcer enforcer;
  enforcer.rules_ = std::move(policy.rules);
  enforcer.link_count_ = policy.links.size();
  enforcer.roles_ = RoleManager(policy.links);

  // (role, domain) → its rules, and every subject Casbin could match in each domain: a `p`
  // subject matches itself (g(x, x) is true), a `g` member matches through its roles. Anyone
  // else has no grants, so is denied without an entry.
  PairMap<std::vector<std::uint32_t>> rules_by_role;
  PairMap<bool> subjects;
  for (std::uint32_t i = 0; i < enforcer.rules_.size(); ++i) {
    const PolicyRule& rule = enforcer.rules_[i];
    rules_by_role[PairKey{rule.sub, rule.dom}].push_back(i);
    subjects.try_emplace(PairKey{rule.sub, rule.dom}, true);
  }
  for (const RoleLink& link : policy.links) {
    subjects.try_emplace(PairKey{link.member, link.dom}, true);
  }
  for (const auto& [subject, unused] : subjects) {
    enforcer.grant_subject(subject.first, subject.second, rules_by_role);
  }
  return enforcer;
}

void Enforcer::grant_subject(const std::string& subject, const std::string& domain,
                             const PairMap<std::vector<std::uint32_t>>& rules_by_role) {
  Grants grants;
  for (const std::string& role : roles_.roles_of(subject, domain)) {
    auto rules = rules_by_role.find(PairView{role, domain});
    if (rules == rules_by_role.end()) {
      continue;
    }
    for (std::uint32_t index : rules->second) {
      const PolicyRule& rule = rules_[index];
      for (std::string_view action : action_alternatives(rule.act)) {
        auto [entry, inserted] = grants.try_emplace(PairKey{rule.obj, std::string(action)}, index);
        if (!inserted && index < entry->second) {
          entry->second = index;  // explain() reports the first rule in line order
        }
      }
    }
  }
  if (!grants.empty()) {
    grants_.emplace(PairKey{subject, domain}, std::move(grants));
  }
}

const std::uint32_t* Enforcer::find_rule(std::string_view sub, std::string_view dom,
                                         std::string_view obj, std::string_view act) const {
  auto subject = grants_.find(PairView{sub, dom});
  if (subject == grants_.end()) {
    return nullptr;
  }
  auto grant = subject->second.find(PairView{obj, act});
  return grant == subject->second.end() ? nullptr : &grant->second;
}

bool Enforcer::enforce(std::string_view sub, std::string_view dom, std::string_view obj,
                       std::string_view act) const {
  return find_rule(sub, dom, obj, act) != nullptr;
}

std::optional<PolicyRule> Enforcer::explain(std::string_view sub, std::string_view dom,
                                            std::string_view obj, std::string_view act) const {
  const std::uint32_t* index = find_rule(sub, dom, obj, act);
  if (index == nullptr) {
    return std::nullopt;
  }
  return rules_[*index];
}

std::vector<std::string> Enforcer::domains_granting(std::string_view sub, std::string_view obj,
                                                    std::string_view act) const {
  std::vector<std::string> domains;
  for (const auto& [key, grants] : grants_) {
    if (key.first == sub && grants.find(PairView{obj, act}) != grants.end()) {
      domains.push_back(key.second);
    }
  }
  std::sort(domains.begin(), domains.end());
  return domains;
}

std::vector<std::string> Enforcer::role_chain(std::string_view sub, std::string_view role,
                                              std::string_view dom) const {
  return roles_.chain(sub, role, dom);
}

}  // namespace smg::policy
