#include "common/wasm/module_cache.h"

#include "common/crypto/crypto.h"

namespace smg::wasm {

ModuleCache::ModuleCache(Limits limits, std::size_t capacity)
    : limits_(limits), capacity_(capacity) {}

Result<std::shared_ptr<const Module>> ModuleCache::load(std::string_view bytes) {
  std::string sha256 = crypto::sha256_hex(bytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first != sha256) continue;
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().second;
    }
  }
  // Parse outside the lock: a large module must not hold up lookups of others.
  Result<std::shared_ptr<const Module>> module = Module::load(bytes, limits_);
  if (!module.ok()) return module;
  std::lock_guard<std::mutex> lock(mutex_);
  ++loads_;
  for (const auto& [key, cached] : entries_) {
    if (key == sha256) return cached;  // another thread loaded the same bytes meanwhile
  }
  entries_.emplace_front(sha256, *module);
  while (entries_.size() > capacity_) entries_.pop_back();
  return module;
}

std::size_t ModuleCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

uint64_t ModuleCache::loads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return loads_;
}

}  // namespace smg::wasm
