// VerifiedTokenCache: remembers tokens that already passed verify() so the steady state is one
// SHA-256 and one hash-map lookup per request. Keyed by SHA-256 of the token, never the token.
//
// An entry lives until the token's `exp` (never longer), until the JWKS generation it was
// verified under changes (key rotation or removal), or until evicted: the cache is bounded
// (default 10 000 entries) and each shard evicts its least recently used entry.
// Thread-safety: thread-safe; sharded (16 mutexes) so concurrent requests rarely contend.
//
//   smg::jwt::VerifiedTokenCache cache;                      // 10k entries
//   if (auto hit = cache.find(token, now, generation)) return *hit;
//   cache.insert(token, principal, verified->expires_at, generation);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/principal/principal.h"

namespace smg::jwt {

class VerifiedTokenCache {
 public:
  static constexpr std::size_t kShards = 16;

  explicit VerifiedTokenCache(std::size_t max_entries = 10000);

  // The principal for a token verified under `generation` and not expired at `now` (Unix s).
  std::optional<Principal> find(std::string_view token, int64_t now, uint64_t generation);
  void insert(std::string_view token, Principal principal, int64_t expires_at,
              uint64_t generation);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    std::string key_sha256;
    Principal principal;
    int64_t expires_at = 0;
    uint64_t generation = 0;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // front = most recently used
    std::unordered_map<std::string, std::list<Entry>::iterator> index;
  };

  Shard& shard_for(const std::string& key_sha256);

  std::size_t per_shard_limit_;
  std::array<Shard, kShards> shards_;
};

}  // namespace smg::jwt
