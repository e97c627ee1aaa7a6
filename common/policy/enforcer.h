// Casbin-compatible policy decisions for smg's fixed model (model.h), precomputed at build time.
//
// build() parses the merged policy lines (policy file, inline lines, start-up grants) and, for
// every subject named in a domain (a `g` member or a `p` subject), collects the (object, action
// alternative) pairs it is granted through all its roles. A check is then two hash lookups with
// no allocation; an unknown subject, domain, object or action is a deny. Decisions equal
// node-casbin's for kCasbinModelText (tests/integration/policy_casbin_diff_test.cpp).
// Thread-safety: immutable after build(); share one `const Enforcer` across threads. Reload by
// building a new one and swapping it.
//
//   auto enforcer = Enforcer::build({"p, reports_admin, example/prod, admin:reports, read|export",
//                                    "g, basic:admin, reports_admin, example/prod"});
//   if (!enforcer.ok()) { return enforcer.status(); }       // config error, names the line
//   enforcer->enforce("basic:admin", "example/prod", "admin:reports", "export");  // true
//   enforcer->explain("basic:admin", "example/prod", "admin:reports", "read");    // the p rule
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/policy/internal/pair_key.h"
#include "common/policy/model.h"
#include "common/policy/policy_csv.h"
#include "common/policy/role_manager.h"
#include "common/status.h"

namespace smg::policy {

class Enforcer {
 public:
  // Lines in CSV form; errors name them as "policy:<n>".
  static Result<Enforcer> build(const std::vector<std::string>& lines);
  static Enforcer build(ParsedPolicy policy);

  bool enforce(std::string_view sub, std::string_view dom, std::string_view obj,
               std::string_view act) const;
  // The first `p` rule (in line order) that grants the request, as node-casbin's enforceEx
  // reports it; nullopt on deny.
  std::optional<PolicyRule> explain(std::string_view sub, std::string_view dom,
                                    std::string_view obj, std::string_view act) const;
  // How `sub` reaches `role` in `dom`: {sub, …, role}; {sub} when role == sub; empty if never.
  std::vector<std::string> role_chain(std::string_view sub, std::string_view role,
                                      std::string_view dom) const;

  // Every domain in which `sub` may do `act` on `obj`, sorted: what a report viewer may see.
  // A scan of all subjects' grants: for per-request authorization, not hot paths.
  std::vector<std::string> domains_granting(std::string_view sub, std::string_view obj,
                                            std::string_view act) const;

  std::size_t rule_count() const { return rules_.size(); }
  std::size_t link_count() const { return link_count_; }

 private:
  // (object, action alternative) → index of the first rule granting it.
  using Grants = internal::PairMap<std::uint32_t>;

  const std::uint32_t* find_rule(std::string_view sub, std::string_view dom, std::string_view obj,
                                 std::string_view act) const;
  void grant_subject(const std::string& subject, const std::string& domain,
                     const internal::PairMap<std::vector<std::uint32_t>>& rules_by_role);

  std::vector<PolicyRule> rules_;
  std::size_t link_count_ = 0;
  RoleManager roles_;
  internal::PairMap<Grants> grants_;  // (subject, domain) → what it may do there
};

}  // namespace smg::policy
