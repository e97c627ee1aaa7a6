// The control-plane WASM module API (SMG's shapes) as pure handlers.
//
//   POST   /wasm          {"modules":[{"name", "file_path" | "wasm_base64",
//                          "module_type":"Middleware", "attach_points":
//                          [{"Middleware":"OnRequest"}|{"Middleware":"OnResponse"}],
//                          "fail_closed"?:false}]}
//                          → 200 when every module loaded, else 400; each module echoed with
//                            "add_result":{"Success":"<uuid>"} | {"Error":"<one line>"}
//   GET    /wasm          → 200 {"modules":[{"module_uuid","module_type","module_meta":{...}}],
//                                "metrics":{...}}
//   GET    /wasm/{uuid}   → 200 one module; 404 unknown
//   DELETE /wasm/{uuid}   → 200 text "Module removed successfully"; 400 not a UUID; 404 unknown
// Disabled (no --enable-wasm): every /wasm route answers 400 wasm_disabled naming the flag.
// Errors are one line: {"error":{"type","message","code"}}. Authentication (admin) and audit
// happen before these handlers.
// Thread-safety: handle() may be called from many threads at once.
//
//   smg::server::wasm::WasmRoutes routes(&registry);   // nullptr: disabled
//   if (smg::server::wasm::WasmRoutes::owns(request.path)) return routes.handle(request);
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "server/http/exchange.h"
#include "server/wasm/module_registry.h"

namespace smg::server::wasm {

// A POST /wasm body larger than this is refused before parsing (base64 of the largest module,
// plus room for the descriptors).
std::size_t max_upload_bytes(const smg::wasm::Limits& limits);

class WasmRoutes {
 public:
  // `registry` null: WASM is disabled. REQUIRES: a non-null registry outlives the routes.
  explicit WasmRoutes(ModuleRegistry* registry);

  static bool owns(std::string_view path);  // /wasm and /wasm/{anything}
  Response handle(const Request& request) const;

  Response add(const Request& request) const;
  Response list() const;
  Response get(const std::string& uuid) const;
  Response remove(const std::string& uuid) const;

  // One descriptor of POST /wasm (or of server.wasm.modules in YAML) → the module's UUID.
  // Path descriptors read the file on this host; wasm_base64 ones decode it.
  static Result<std::string> add_descriptor(ModuleRegistry& registry,
                                            const nlohmann::json& descriptor);

 private:
  ModuleRegistry* registry_;
};

}  // namespace smg::server::wasm
