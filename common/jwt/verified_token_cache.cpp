#include "common/jwt/verified_token_cache.h"

#include <algorithm>

#include "common/crypto/crypto.h"

namespace smg::jwt {

VerifiedTokenCache::VerifiedTokenCache(std::size_t max_entries)
    : per_shard_limit_(std::max<std::size_t>(1, max_entries / kShards)) {}

VerifiedTokenCache::Shard& VerifiedTokenCache::shard_for(const std::string& key_sha256) {
  // The digest is uniformly distributed, so its first byte is a fair shard index.
  return shards_[static_cast<unsigned char>(key_sha256[0]) % kShards];
}

std::optional<Principal> VerifiedTokenCache::find(std::string_view token, int64_t now,
                                                  uint64_t generation) {
  std::string key = crypto::sha256(token);
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    return std::nullopt;
  }
  auto entry = it->second;
  if (now >= entry->expires_at || entry->generation != generation) {
    shard.index.erase(it);
    shard.lru.erase(entry);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, entry);
  return entry->principal;
}

void VerifiedTokenCache::insert(std::string_view token, Principal principal, int64_t expires_at,
                                uint64_t generation) {
  std::string key = crypto::sha256(token);
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.index.find(key); it != shard.index.end()) {
    shard.lru.erase(it->second);
    shard.index.erase(it);
  }
  shard.lru.push_front(Entry{key, std::move(principal), expires_at, generation});
  shard.index.emplace(std::move(key), shard.lru.begin());
  while (shard.lru.size() > per_shard_limit_) {
    shard.index.erase(shard.lru.back().key_sha256);
    shard.lru.pop_back();
  }
}

void VerifiedTokenCache::clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.index.clear();
    shard.lru.clear();
  }
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.lru.size();
  }
  return total;
}

}  // namespace smg::jwt
