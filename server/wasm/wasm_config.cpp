#include "server/wasm/wasm_config.h"

#include <string>

#include "server/wasm/wasm_routes.h"

namespace smg::server::wasm {
namespace {

using config::Node;
using config::YamlReader;
using nlohmann::json;

constexpr int64_t kMiB = 1024 * 1024;

// on-request | OnRequest | {Middleware: OnRequest} → {"Middleware":"OnRequest"}
json attach_point(YamlReader& reader, const Node& point) {
  std::string where;
  if (point.node.IsScalar()) {
    where = point.node.as<std::string>();
  } else if (point.node.IsMap() && point.node["Middleware"].IsScalar()) {
    where = point.node["Middleware"].as<std::string>();
  }
  if (where == "on-request" || where == "OnRequest") return {{"Middleware", "OnRequest"}};
  if (where == "on-response" || where == "OnResponse") return {{"Middleware", "OnResponse"}};
  reader.error(point.path, "must be on-request or on-response", point.node.Mark().line);
  return nullptr;
}

json read_module(YamlReader& reader, const Node& item) {
  reader.check_keys(item);
  json points = json::array();
  for (const Node& point : reader.items(item, "attach_points")) {
    json parsed = attach_point(reader, point);
    if (!parsed.is_null()) points.push_back(parsed);
  }
  if (points.empty()) reader.error(item, "attach_points", "required");
  return {{"name", reader.require_string(item, "name")},
          {"file_path", reader.require_string(item, "file_path")},
          {"module_type", "Middleware"},
          {"attach_points", points},
          {"fail_closed", reader.get_bool(item, "fail_closed", false)}};
}

}  // namespace

void read_wasm_config(YamlReader& reader, const Node& server, WasmConfig& config) {
  Node node = reader.child(server, "wasm");
  reader.check_keys(node);
  if (!node.present()) return;
  smg::wasm::Limits& limits = config.limits;
  config.enabled = reader.get_bool(node, "enabled", config.enabled);
  limits.max_memory_pages = static_cast<uint32_t>(
      reader.get_int(node, "max_memory_pages", limits.max_memory_pages, 1, 65536));
  int64_t default_ms =
      static_cast<int64_t>(limits.max_instructions / smg::wasm::kInstructionsPerMs);
  limits.max_instructions = smg::wasm::instructions_for_ms(
      static_cast<uint64_t>(reader.get_int(node, "max_execution_time_ms", default_ms, 1, 300000)));
  limits.max_stack_bytes = static_cast<uint32_t>(
      reader.get_int(node, "max_stack_size", limits.max_stack_bytes, 64 * 1024, 16 * kMiB));
  limits.max_body_bytes = static_cast<std::size_t>(reader.get_int(
      node, "max_body_size", static_cast<int64_t>(limits.max_body_bytes), 1, 100 * kMiB));
  for (const Node& item : reader.items(node, "modules")) {
    config.modules.push_back(read_module(reader, item));
  }
}

Status load_startup_modules(ModuleRegistry& registry, const WasmConfig& config) {
  for (std::size_t i = 0; i < config.modules.size(); ++i) {
    const json& descriptor = config.modules[i];
    Result<std::string> uuid = WasmRoutes::add_descriptor(registry, descriptor);
    if (!uuid.ok()) {
      return invalid_argument("wasm_startup_module", "server.wasm.modules[" + std::to_string(i) +
                                                         "] (" + descriptor.value("name", "") +
                                                         "): " + uuid.status().message());
    }
  }
  return Status();
}

}  // namespace smg::server::wasm
