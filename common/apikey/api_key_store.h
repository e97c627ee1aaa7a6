// ApiKeyStore: the configured control-plane API keys, looked up by the SHA-256 of the presented
// key. Built once at start-up from ApiKeyEntry values; immutable afterwards.
//
// The store holds digests only. A lookup hashes the presented key and finds the digest in a hash
// map: what timing can reveal is about the digest, which tells an attacker nothing about a key.
// Thread-safety: immutable after build(); concurrent lookup() calls are safe.
//
//   auto store = smg::apikey::ApiKeyStore::build(std::move(entries));
//   if (!store.ok()) { fail_startup(store.status().message()); }
//   if (auto principal = store->lookup(bearer_token)) { /* subject "api_key:<id>" */ }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/apikey/api_key_spec.h"
#include "common/principal/principal.h"
#include "common/status.h"

namespace smg::apikey {

class ApiKeyStore {
 public:
  // Errors (kInvalidArgument "duplicate_api_key"): two entries with the same id, or with the
  // same key (same digest); the message names the ids, never a key.
  static Result<ApiKeyStore> build(std::vector<ApiKeyEntry> entries);

  // The principal for a configured key: subject `api_key:<id>`, display_name the entry's name,
  // auth_method kApiKey, its role. nullopt for an unknown or empty key.
  std::optional<Principal> lookup(std::string_view presented_key) const;

  std::size_t size() const { return by_digest_.size(); }
  bool empty() const { return by_digest_.empty(); }

 private:
  ApiKeyStore() = default;
  std::unordered_map<std::string, Principal> by_digest_;  // raw SHA-256 → principal
};

}  // namespace smg::apikey
