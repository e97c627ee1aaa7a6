// SMG's parser endpoints as pure handlers: Request → Response, on the parsers of
// common/parsers. Control-plane routes: authentication and audit happen before these handlers.
//
//   POST /parse/function_call {"text","tool_call_parser","tools":[Tool]}
//        → 200 {"remaining_text","tool_calls":[{"function":{"name","arguments"}}],"success":true}
//   POST /parse/reasoning {"text","reasoning_parser"}
//        → 200 {"normal_text","reasoning_text","success":true}
// Errors as SMG (axum's Json extractor, then the handlers): a body that is not JSON → 400
// text/plain; a missing or mistyped field → 422 text/plain; no JSON Content-Type → 415;
// unknown parser → 400 {"error":"Unknown tool parser: X","success":false} (or "Unknown
// reasoning parser: X"); reasoning text over 4 MiB → 400 {"error":"Failed to separate
// reasoning: ...","success":false}; another method → 405 with Allow: POST.
// Thread-safety: handle() may be called from many threads at once (the parsers are immutable).
//
//   smg::server::ParseRoutes routes;
//   if (smg::server::ParseRoutes::owns(request.path)) { return routes.handle(request); }
#pragma once

#include <string_view>

#include "server/http/exchange.h"

namespace smg::server {

class ParseRoutes {
 public:
  // True for /parse/function_call and /parse/reasoning.
  static bool owns(std::string_view path);
  // Dispatches on the path. REQUIRES: owns(request.path).
  Response handle(const Request& request) const;

  Response function_call(const Request& request) const;
  Response reasoning(const Request& request) const;
};

}  // namespace smg::server
