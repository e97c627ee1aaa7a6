#include "server/wasm/wasm_middleware.h"

#include <chrono>
#include <string>

#include "common/wasm/runner.h"
#include "server/wasm/exchange_edits.h"

namespace smg::server::wasm {
namespace {

using smg::wasm::Action;
using smg::wasm::EntryPoint;
using smg::wasm::Verdict;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The `result` label: the action on success, the kind of failure otherwise.
std::string result_label(const Result<Verdict>& verdict) {
  if (verdict.ok()) return smg::wasm::action_name(verdict->action);
  const std::string& reason = verdict.status().reason();
  for (const char* known :
       {"wasm_trap", "wasm_budget_exceeded", "wasm_stack_exhausted", "wasm_bad_action"}) {
    if (reason == known) return reason.substr(5);
  }
  return "error";
}

bool is_stream(const Response& response) {
  if (response.streams()) return true;
  const std::string& type = response.content_type;
  return type.find("text/event-stream") != std::string::npos ||
         type.find("application/x-ndjson") != std::string::npos;
}

Response middleware_failed(const LoadedModule& module) {
  return error_response(500, "wasm_middleware_failed",
                        "WASM middleware " + module.spec.name + " failed",
                        "wasm_middleware_failed");
}

bool attached(const LoadedModule& module, EntryPoint entry) {
  return entry == EntryPoint::kOnRequest ? module.spec.on_request : module.spec.on_response;
}

}  // namespace

struct WasmMiddleware::CallResult {
  Result<Verdict> verdict;
};

WasmMiddleware::WasmMiddleware(ModuleRegistry& registry, metrics::Registry* metrics)
    : registry_(registry), metrics_(metrics) {}

bool WasmMiddleware::has_modules(EntryPoint entry) const {
  auto snapshot = registry_.snapshot();  // held: the loop must not outlive its snapshot
  for (const auto& module : *snapshot) {
    if (attached(*module, entry)) return true;
  }
  return false;
}

WasmMiddleware::CallResult WasmMiddleware::call(const LoadedModule& module, EntryPoint entry,
                                                const smg::wasm::View& view) {
  auto started = std::chrono::steady_clock::now();
  module.touch();
  CallResult result{smg::wasm::run(*module.module, entry, view, registry_.limits())};
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  registry_.stats().record(result.verdict.ok(), static_cast<uint64_t>(elapsed.count()));
  if (metrics_ != nullptr) {
    metrics_
        ->counter("smg_wasm_executions_total", "WASM middleware calls by module and result",
                  {{"module", module.spec.name}, {"result", result_label(result.verdict)}})
        .inc();
  }
  return result;
}

std::optional<Response> WasmMiddleware::on_request(Request& request, const Principal* principal) {
  auto modules = registry_.snapshot();
  bool any = false;
  for (const auto& module : *modules) any = any || module->spec.on_request;
  if (!any) return std::nullopt;
  if (request.body.size() > registry_.limits().max_body_bytes) {
    return error_response(400, "invalid_request_error",
                          "Request body is larger than the WASM middleware limit of " +
                              std::to_string(registry_.limits().max_body_bytes) + " bytes",
                          "wasm_body_too_large");
  }
  int64_t now = now_ms();
  for (const auto& module : *modules) {
    if (!module->spec.on_request) continue;
    CallResult result =
        call(*module, EntryPoint::kOnRequest, request_view(request, principal, now));
    if (!result.verdict.ok()) {
      if (module->spec.fail_closed) return middleware_failed(*module);
      continue;  // fail open: skipped, counted
    }
    if (result.verdict->action == Action::kReject) return reject_response(*result.verdict);
    if (result.verdict->action == Action::kModify) apply_to_request(*result.verdict, request);
  }
  return std::nullopt;
}

void WasmMiddleware::on_response(const Request& request, const Principal* principal,
                                 Response& response) {
  if (is_stream(response)) return;
  auto modules = registry_.snapshot();
  int64_t now = now_ms();
  for (const auto& module : *modules) {
    if (!module->spec.on_response) continue;
    if (response.body.size() > registry_.limits().max_body_bytes) {
      response = error_response(500, "wasm_middleware_failed",
                                "Response body is larger than the WASM middleware limit",
                                "wasm_body_too_large");
      return;
    }
    CallResult result =
        call(*module, EntryPoint::kOnResponse, response_view(request, principal, response, now));
    if (!result.verdict.ok()) {
      if (module->spec.fail_closed) {
        response = middleware_failed(*module);
        return;
      }
      continue;
    }
    apply_to_response(*result.verdict, response);
  }
}

}  // namespace smg::server::wasm
