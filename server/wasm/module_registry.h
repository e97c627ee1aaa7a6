// The gateway's loaded WASM middleware modules (SMG's WasmModuleManager): add, remove, list, and
// the snapshot the middleware runs, in registration order. A module is keyed by a v4 UUID; its
// SHA-256 must be unique (SMG refuses duplicates). Parsing goes through a ModuleCache, so bytes
// added again after a remove are not parsed again. The list lives in memory only, as SMG's.
//
//   smg::server::wasm::ModuleRegistry registry(limits);
//   auto uuid = registry.add({.name = "logging", .file_path = "/srv/logging.wasm",
//                             .bytes = bytes, .on_response = true});
//   auto modules = registry.snapshot();   // hold it: `*registry.snapshot()` in a range-for dangles
//   for (const auto& entry : *modules) { ... }   // what the middleware runs
//   registry.remove(*uuid);   // calls already running finish; the next request skips it
//
// Thread-safety: all methods are thread-safe; a snapshot is immutable and stays valid while held.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/wasm/limits.h"
#include "common/wasm/module.h"
#include "common/wasm/module_cache.h"

namespace smg::server::wasm {

struct ModuleSpec {
  std::string name;
  std::string file_path;  // as given; "" for an upload (wasm_base64)
  std::string bytes;
  bool on_request = false;
  bool on_response = false;
  bool fail_closed = false;
};

// Execution counters, SMG's `metrics` object (all modules, or one).
struct ExecutionStats {
  std::atomic<uint64_t> total{0};
  std::atomic<uint64_t> successful{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> total_time_us{0};
  std::atomic<uint64_t> max_time_us{0};

  void record(bool success, uint64_t elapsed_us);
  nlohmann::json to_json() const;  // {"total_executions", ..., "average_execution_time_ms"?}
};

struct LoadedModule {
  std::string uuid;
  ModuleSpec spec;  // bytes cleared once loaded
  std::string sha256_hex;
  std::size_t size_bytes = 0;
  std::string created_at;  // RFC 3339 with nanoseconds, UTC
  std::shared_ptr<const smg::wasm::Module> module;
  mutable std::atomic<int64_t> last_accessed_ns{0};
  mutable std::atomic<uint64_t> access_count{0};

  void touch() const;              // one more call, now
  nlohmann::json to_json() const;  // {"module_uuid", "module_meta": {...}}
};

using ModuleSnapshot = std::vector<std::shared_ptr<const LoadedModule>>;

class ModuleRegistry {
 public:
  explicit ModuleRegistry(smg::wasm::Limits limits);

  // The new module's UUID, or why not: SMG's descriptor messages, the runtime's load refusal, a
  // duplicate SHA-256 (kAlreadyExists), or an attach point whose entry the module lacks.
  Result<std::string> add(ModuleSpec spec);
  // kNotFound for an unknown UUID.
  Status remove(const std::string& uuid);

  std::shared_ptr<const ModuleSnapshot> snapshot() const;
  std::shared_ptr<const LoadedModule> find(const std::string& uuid) const;
  const smg::wasm::Limits& limits() const { return limits_; }
  ExecutionStats& stats() { return stats_; }
  // GET /wasm: {"modules":[...], "metrics":{...}}
  nlohmann::json to_json() const;

 private:
  smg::wasm::Limits limits_;
  smg::wasm::ModuleCache cache_;
  ExecutionStats stats_;
  mutable std::mutex mutex_;  // guards snapshot_ swaps and add's duplicate check
  std::shared_ptr<const ModuleSnapshot> snapshot_;
};

// "2026-12-02T07:30:05.123456789Z"
std::string format_rfc3339_nanos(int64_t unix_ns);

}  // namespace smg::server::wasm
