#include "common/apikey/api_key_store.h"

#include <unordered_set>

#include "common/crypto/crypto.h"

namespace smg::apikey {

Result<ApiKeyStore> ApiKeyStore::build(std::vector<ApiKeyEntry> entries) {
  ApiKeyStore store;
  std::unordered_map<std::string, std::string> id_by_digest;
  std::unordered_set<std::string> ids;
  for (ApiKeyEntry& entry : entries) {
    if (!ids.insert(entry.id).second) {
      return Status(Code::kInvalidArgument, "duplicate_api_key",
                    "duplicate API key id \"" + entry.id + "\"");
    }
    auto [existing, inserted] = id_by_digest.emplace(entry.key_sha256, entry.id);
    if (!inserted) {
      return Status(
          Code::kInvalidArgument, "duplicate_api_key",
          "API keys \"" + existing->second + "\" and \"" + entry.id + "\" have the same key");
    }
    store.by_digest_.emplace(std::move(entry.key_sha256),
                             Principal{.subject = "api_key:" + entry.id,
                                       .display_name = std::move(entry.name),
                                       .auth_method = AuthMethod::kApiKey,
                                       .role = entry.role,
                                       .domain = {},
                                       .groups = {}});
  }
  return store;
}

std::optional<Principal> ApiKeyStore::lookup(std::string_view presented_key) const {
  if (presented_key.empty()) {
    return std::nullopt;
  }
  auto found = by_digest_.find(crypto::sha256(presented_key));
  if (found == by_digest_.end()) {
    return std::nullopt;
  }
  return found->second;
}

}  // namespace smg::apikey
