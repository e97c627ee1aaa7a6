// The gateway side of a module call: what it is shown (a View built from our Request/Response
// without credentials) and how its Verdict is applied back, with the ABI's guards (edits to
// credential or framing headers, and invalid names or values, are dropped).
//
//   smg::wasm::View view = request_view(request, principal, now_ms);
//   apply_to_request(verdict, request);
//
// Thread-safety: pure functions on the values passed.
#pragma once

#include <cstdint>

#include "common/principal/principal.h"
#include "common/wasm/verdict.h"
#include "common/wasm/view.h"
#include "server/http/exchange.h"

namespace smg::server::wasm {

// REQUIRES: `request` outlives the view (the body is not copied).
smg::wasm::View request_view(const Request& request, const Principal* principal, int64_t now_ms);
// The request's method, path, query, id and principal with the response's status, headers
// (Content-Type first) and body. REQUIRES: `response` outlives the view.
smg::wasm::View response_view(const Request& request, const Principal* principal,
                              const Response& response, int64_t now_ms);

// kModify on a request: headers (set, add, remove) and the body; a status is ignored.
void apply_to_request(const smg::wasm::Verdict& verdict, Request& request);
// kModify on a response: status, headers and body. kReject: the status only (SMG).
void apply_to_response(const smg::wasm::Verdict& verdict, Response& response);
// kReject on a request: the module's status (400 when it set none), body and set/add headers.
Response reject_response(const smg::wasm::Verdict& verdict);

}  // namespace smg::server::wasm
