// The one Casbin model smg enforces: RBAC with domains, allow-override, exact
// objects and anchored `|`-separated actions. The rule types here are plain values shared by the
// CSV parser, the role manager and the enforcer.
//
// kCasbinModelText is the model as Casbin text; the differential test hands it to node-casbin
// together with an `actionMatch` function that behaves as action_match() below.
// Thread-safety: constants and pure functions.
//
//   action_match("export", "read|export");   // true
//   action_match("reading", "read|export");  // false: alternatives are anchored
//   PolicyRule rule{"reports_admin", "example/prod", "admin:reports", "read|export"};
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smg::policy {

// Longest role chain followed: subject -> r1 -> ... -> r10. Deeper links are ignored, as
// node-casbin's default role manager (maxHierarchyLevel 10) ignores them.
inline constexpr std::size_t kMaxRoleDepth = 10;

inline constexpr std::string_view kCasbinModelText =
    "[request_definition]\n"
    "r = sub, dom, obj, act\n"
    "\n"
    "[policy_definition]\n"
    "p = sub, dom, obj, act\n"
    "\n"
    "[role_definition]\n"
    "g = _, _, _\n"
    "\n"
    "[policy_effect]\n"
    "e = some(where (p.eft == allow))\n"
    "\n"
    "[matchers]\n"
    "m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && "
    "actionMatch(r.act, p.act)\n";

// A `p, sub, dom, obj, act` line: `sub` (a subject or a role) may do `act` on `obj` in `dom`.
struct PolicyRule {
  std::string sub;
  std::string dom;
  std::string obj;
  std::string act;  // one action, or alternatives separated by `|`

  friend bool operator==(const PolicyRule&, const PolicyRule&) = default;
};

// A `g, member, role, dom` line: in `dom`, `member` has every grant of `role`.
struct RoleLink {
  std::string member;
  std::string role;
  std::string dom;

  friend bool operator==(const RoleLink&, const RoleLink&) = default;
};

// The `|`-separated alternatives of a policy action, in order ("read|export" → read, export).
std::vector<std::string_view> action_alternatives(std::string_view policy_action);

// True when `request_action` equals one alternative of `policy_action` exactly.
bool action_match(std::string_view request_action, std::string_view policy_action);

}  // namespace smg::policy
