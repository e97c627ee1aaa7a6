#include "server/auth/caller_tokens.h"

#include "common/crypto/crypto.h"

namespace smg::server {

Result<CallerTokenStore> CallerTokenStore::build(const std::vector<CallerConfig>& callers) {
  CallerTokenStore store;
  store.callers_ = callers;
  for (std::size_t i = 0; i < callers.size(); ++i) {
    std::string where = "server.callers[" + std::to_string(i) + "]";
    for (std::size_t j = 0; j < i; ++j) {
      if (callers[j].token_id == callers[i].token_id) {
        return invalid_argument("config_invalid", where + ".token_id: duplicate " + callers[i].token_id);
      }
    }
    auto digest = crypto::from_hex(callers[i].token_sha256_hex);
    if (!digest.ok() || digest->size() != 32) {
      return invalid_argument("config_invalid", where + ".token_sha256: must be 64 hex characters");
    }
    if (!store.by_digest_.emplace(*digest, i).second) {
      return invalid_argument("config_invalid", where + ": same token as another caller");
    }
  }
  return store;
}

Result<Principal> CallerTokenStore::lookup(std::string_view presented_token) const {
  auto it = by_digest_.find(crypto::sha256(presented_token));
  if (it == by_digest_.end()) {
    return unauthenticated("invalid-token", "invalid-token");
  }
  const CallerConfig& caller = callers_[it->second];
  if (caller.status != "active") {
    std::string reason = "key-" + caller.status;
    return Status(Code::kPermissionDenied, reason, reason);
  }
  Principal principal;
  principal.subject = "caller:" + caller.token_id;
  principal.display_name = caller.token_id;
  principal.auth_method = AuthMethod::kCallerToken;
  principal.role = Role::kUser;
  principal.domain = caller.domain;
  return principal;
}

}  // namespace smg::server
