// `server.wasm` in the serve YAML and what start-up does with it:
//
//   server:
//     wasm:
//       enabled: true                 # same as --enable-wasm
//       max_memory_pages: 1024        # 1..65536 (64 KiB pages)
//       max_execution_time_ms: 1000   # 1..300000, as an instruction budget
//       max_stack_size: 1048576       # 64 KiB..16 MiB
//       max_body_size: 10485760       # 1..100 MiB
//       modules:
//         - name: logging
//           file_path: /srv/wasm/add_header.wasm     # SMG's path rules apply
//           attach_points: [on-response]              # or [{Middleware: OnResponse}]
//           fail_closed: false
//
// Bounds are SMG's (crates/wasm/src/config.rs).
//
//   WasmConfig wasm;
//   read_wasm_config(reader, server_node, wasm);           // inside read_server
//   ModuleRegistry registry(wasm.limits);
//   Status loaded = load_startup_modules(registry, wasm);  // refuse to start on error
//
// Thread-safety: plain values and start-up functions.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "common/config/yaml_reader.h"
#include "common/status.h"
#include "common/wasm/limits.h"
#include "server/wasm/module_registry.h"

namespace smg::server::wasm {

struct WasmConfig {
  bool enabled = false;
  smg::wasm::Limits limits;
  // POST /wasm descriptors ({"name","file_path","attach_points":[{"Middleware":...}],
  // "fail_closed"}), loaded in order at start-up.
  std::vector<nlohmann::json> modules;
};

// Reads server.wasm, if present, onto `config`; errors go to the reader with their paths.
void read_wasm_config(config::YamlReader& reader, const config::Node& server, WasmConfig& config);

// Loads config.modules; the first failure names the module (`server.wasm.modules[1] (auth):
// Module file must have .wasm extension`).
Status load_startup_modules(ModuleRegistry& registry, const WasmConfig& config);

}  // namespace smg::server::wasm
