// Data-plane caller tokens (`server.callers`): stored only as SHA-256 digests and
// looked up by digest. A token's `status` other than active refuses it with 403 `key-<status>`.
// Thread-safety: immutable after build.
//
//   auto store = CallerTokenStore::build(config.callers);
//   auto caller = store->lookup(presented);   // Result<Principal>: caller:<token_id>, domain
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/principal/principal.h"
#include "common/status.h"
#include "server/auth/caller_config.h"

namespace smg::server {

class CallerTokenStore {
 public:
  // Duplicate token ids or digests are config errors naming `server.callers[i]`.
  static Result<CallerTokenStore> build(const std::vector<CallerConfig>& callers);

  // kUnauthenticated "invalid-token" when unknown; kPermissionDenied "key-<status>" when the token
  // is not active (the message is the same string, safe to show).
  Result<Principal> lookup(std::string_view presented_token) const;

  bool empty() const { return by_digest_.empty(); }
  const std::vector<CallerConfig>& callers() const { return callers_; }

 private:
  std::vector<CallerConfig> callers_;
  std::unordered_map<std::string, std::size_t> by_digest_;  // raw SHA-256 → index in callers_
};

}  // namespace smg::server
