// Domain-scoped role graph with bounded depth: which roles a subject holds in a domain.
//
// Built once from `g, member, role, dom` links; a member holds a role in a domain when a chain of
// at most kMaxRoleDepth links of that domain leads to it (longer chains are ignored, as in
// node-casbin). Every name holds itself (Casbin's g(x, x) is true even for unknown x). Cycles are
// harmless: the walk is breadth-first and visits each role once.
// Thread-safety: immutable after construction; const methods may run concurrently.
//
//   RoleManager roles({{"basic:admin", "reports_admin", "example/prod"}});
//   roles.has_link("basic:admin", "reports_admin", "example/prod");  // true
//   roles.chain("basic:admin", "reports_admin", "example/prod");     // {basic:admin, reports_admin}
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/policy/internal/pair_key.h"
#include "common/policy/model.h"

namespace smg::policy {

class RoleManager {
 public:
  RoleManager() = default;
  explicit RoleManager(const std::vector<RoleLink>& links);

  // `subject` first, then every role it holds in `domain`, nearest first.
  std::vector<std::string> roles_of(std::string_view subject, std::string_view domain) const;
  bool has_link(std::string_view subject, std::string_view role, std::string_view domain) const;
  // The shortest chain subject → … → role (both ends included); empty when there is none.
  std::vector<std::string> chain(std::string_view subject, std::string_view role,
                                 std::string_view domain) const;
  // Every name that is a member in a link of `domain`.
  std::vector<std::string> members(std::string_view domain) const;

 private:
  // Breadth-first walk within the depth bound: each reached name → the name it was reached from.
  std::unordered_map<std::string, std::string> walk(std::string_view subject,
                                                    std::string_view domain,
                                                    std::vector<std::string>& order) const;

  // (domain, member) → the member's direct roles, in link order without repeats.
  internal::PairMap<std::vector<std::string>> direct_roles_;
  std::unordered_map<std::string, std::vector<std::string>> members_by_domain_;
};

}  // namespace smg::policy
