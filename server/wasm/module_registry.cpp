#include "server/wasm/module_registry.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "server/workers/worker.h"

namespace smg::server::wasm {
namespace {

using nlohmann::json;

constexpr std::size_t kCacheCapacity = 32;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

json attach_points_json(const ModuleSpec& spec) {
  json points = json::array();
  if (spec.on_request) points.push_back({{"Middleware", "OnRequest"}});
  if (spec.on_response) points.push_back({{"Middleware", "OnResponse"}});
  return points;
}

Status check_spec(const ModuleSpec& spec, const smg::wasm::Module& module) {
  if (!spec.on_request && !spec.on_response) {
    return invalid_argument("wasm_no_attach_point", "Module needs at least one attach point");
  }
  if (spec.on_request && !module.exports(smg::wasm::EntryPoint::kOnRequest)) {
    return invalid_argument("wasm_no_entry",
                            "Attach point OnRequest needs an export smg_on_request");
  }
  if (spec.on_response && !module.exports(smg::wasm::EntryPoint::kOnResponse)) {
    return invalid_argument("wasm_no_entry",
                            "Attach point OnResponse needs an export smg_on_response");
  }
  return Status();
}

void raise_to(std::atomic<uint64_t>& target, uint64_t value) {
  uint64_t current = target.load(std::memory_order_relaxed);
  while (value > current &&
         !target.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

std::string format_rfc3339_nanos(int64_t unix_ns) {
  std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(unix_ns % 1'000'000'000));
  return text;
}

void ExecutionStats::record(bool success, uint64_t elapsed_us) {
  total.fetch_add(1, std::memory_order_relaxed);
  (success ? successful : failed).fetch_add(1, std::memory_order_relaxed);
  total_time_us.fetch_add(elapsed_us, std::memory_order_relaxed);
  raise_to(max_time_us, elapsed_us);
}

json ExecutionStats::to_json() const {
  uint64_t count = total.load();
  json out = {{"total_executions", count},
              {"successful_executions", successful.load()},
              {"failed_executions", failed.load()},
              {"total_execution_time_ms", total_time_us.load() / 1000},
              {"max_execution_time_ms", max_time_us.load() / 1000}};
  if (count > 0) {
    out["average_execution_time_ms"] =
        static_cast<double>(total_time_us.load()) / 1000.0 / static_cast<double>(count);
  }
  return out;
}

void LoadedModule::touch() const {
  access_count.fetch_add(1, std::memory_order_relaxed);
  last_accessed_ns.store(now_ns(), std::memory_order_relaxed);
}

json LoadedModule::to_json() const {
  int64_t last = last_accessed_ns.load();
  json meta = {{"name", spec.name},
               {"file_path", spec.file_path},
               {"sha256_hash", sha256_hex},
               {"size_bytes", size_bytes},
               {"created_at", created_at},
               {"last_accessed_at", last == 0 ? json(nullptr) : json(format_rfc3339_nanos(last))},
               {"access_count", access_count.load()},
               {"attach_points", attach_points_json(spec)},
               {"fail_closed", spec.fail_closed}};
  return {{"module_uuid", uuid}, {"module_type", "Middleware"}, {"module_meta", meta}};
}

ModuleRegistry::ModuleRegistry(smg::wasm::Limits limits)
    : limits_(limits),
      cache_(limits, kCacheCapacity),
      snapshot_(std::make_shared<const ModuleSnapshot>()) {}

Result<std::string> ModuleRegistry::add(ModuleSpec spec) {
  if (spec.name.empty()) return invalid_argument("wasm_name_empty", "Module name cannot be empty");
  Result<std::shared_ptr<const smg::wasm::Module>> module = cache_.load(spec.bytes);
  if (!module.ok()) return module.status();
  if (Status status = check_spec(spec, **module); !status.ok()) return status;
  auto entry = std::make_shared<LoadedModule>();
  entry->uuid = workers::new_worker_id();  // a v4 UUID, like the worker ids
  entry->sha256_hex = (*module)->sha256_hex();
  entry->size_bytes = (*module)->size_bytes();
  entry->created_at = format_rfc3339_nanos(now_ns());
  entry->module = *module;
  spec.bytes.clear();
  spec.bytes.shrink_to_fit();
  entry->spec = std::move(spec);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& existing : *snapshot_) {
    if (existing->sha256_hex == entry->sha256_hex) {
      return Status(Code::kAlreadyExists, "wasm_duplicate",
                    "Duplicate SHA256 hash detected: module with same sha256 already exists");
    }
  }
  auto next = std::make_shared<ModuleSnapshot>(*snapshot_);
  next->push_back(entry);
  snapshot_ = std::move(next);
  return entry->uuid;
}

Status ModuleRegistry::remove(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto next = std::make_shared<ModuleSnapshot>();
  for (const auto& existing : *snapshot_) {
    if (existing->uuid != uuid) next->push_back(existing);
  }
  if (next->size() == snapshot_->size()) {
    return not_found("wasm_module_not_found", "module not found: " + uuid);
  }
  snapshot_ = std::move(next);
  return Status();
}

std::shared_ptr<const ModuleSnapshot> ModuleRegistry::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_;
}

std::shared_ptr<const LoadedModule> ModuleRegistry::find(const std::string& uuid) const {
  auto modules_now = snapshot();  // held: the loop must not outlive its snapshot
  for (const auto& entry : *modules_now) {
    if (entry->uuid == uuid) return entry;
  }
  return nullptr;
}

json ModuleRegistry::to_json() const {
  json modules = json::array();
  auto modules_now = snapshot();
  for (const auto& entry : *modules_now) modules.push_back(entry->to_json());
  return {{"modules", modules}, {"metrics", stats_.to_json()}};
}

}  // namespace smg::server::wasm
