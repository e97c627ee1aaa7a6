// WASM middleware on the data plane: runs the registry's modules on a request
// after authentication and before routing and admission, and on a non-stream response before it
// is sent. Modules run in registration order, each seeing the request as the previous one left
// it; a reject stops the chain. A module that traps or runs over a budget is skipped and counted
// (fail open), unless it was added with fail_closed: then the client gets 500
// wasm_middleware_failed. Every call counts in smg_wasm_executions_total{module,result}, result
// one of continue, modify, reject, trap, budget_exceeded, stack_exhausted, bad_action, error.
//
// What a module sees never includes a credential (Authorization, Proxy-Authorization, X-API-Key,
// Cookie); its edits to those and to framing headers (Content-Length, Host, ...), and any header
// that is not a valid name or value, are dropped.
//
//   smg::server::wasm::WasmMiddleware middleware(registry, &metrics_registry);
//   if (auto reply = middleware.on_request(request, principal)) return *reply;  // reject / 500
//   Response response = route(request);
//   if (!response.stream) middleware.on_response(request, principal, response);
//
// Both calls are synchronous and CPU-bound (an interpreter run per module, up to the instruction
// budget each): call them on the blocking pool, never on an I/O thread.
// Thread-safety: both methods may be called from many threads at once.
#pragma once

#include <optional>

#include "common/principal/principal.h"
#include "common/wasm/abi.h"
#include "common/wasm/view.h"
#include "server/http/exchange.h"
#include "server/metrics/metrics.h"
#include "server/wasm/module_registry.h"

namespace smg::server::wasm {

class WasmMiddleware {
 public:
  // REQUIRES: `registry` (and `metrics`, when given) outlive the middleware.
  explicit WasmMiddleware(ModuleRegistry& registry, metrics::Registry* metrics = nullptr);

  // nullopt: go on with `request` (modules may have changed its headers and body). A Response:
  // send it instead of routing (a module's reject, 400 for a body over the limit, or 500
  // wasm_middleware_failed from a fail_closed module). `principal` is null when the data plane
  // is open.
  std::optional<Response> on_request(Request& request, const Principal* principal);

  // Runs the OnResponse modules on `response` in place. Streaming responses (a `stream`
  // function, text/event-stream or application/x-ndjson) are left alone, as SMG does.
  void on_response(const Request& request, const Principal* principal, Response& response);

  // True when at least one module is attached there (lets the caller skip buffering work).
  bool has_modules(smg::wasm::EntryPoint entry) const;

 private:
  struct CallResult;
  CallResult call(const LoadedModule& module, smg::wasm::EntryPoint entry,
                  const smg::wasm::View& view);

  ModuleRegistry& registry_;
  metrics::Registry* metrics_;
};

}  // namespace smg::server::wasm
