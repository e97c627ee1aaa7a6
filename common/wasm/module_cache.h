// Loaded modules keyed by the SHA-256 of their bytes, so the same bytes are parsed and
// validated once however often they are added, removed and added again (SMG keeps an LRU of
// compiled components by SHA-256). The registry asks here; a call never parses.
//
//   smg::wasm::ModuleCache cache(limits, 16);
//   auto module = cache.load(bytes);   // parsed once; same pointer for the same bytes
//
// Thread-safety: all methods are thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "common/wasm/limits.h"
#include "common/wasm/module.h"

namespace smg::wasm {

class ModuleCache {
 public:
  // REQUIRES: capacity > 0.
  ModuleCache(Limits limits, std::size_t capacity);

  // The cached module for these bytes, or Module::load(bytes) (an error is not cached).
  Result<std::shared_ptr<const Module>> load(std::string_view bytes);

  std::size_t size() const;
  uint64_t loads() const;  // how many times bytes were actually parsed

 private:
  Limits limits_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  // Most recently used first.
  std::list<std::pair<std::string, std::shared_ptr<const Module>>> entries_;
  uint64_t loads_ = 0;
};

}  // namespace smg::wasm
