// Request ids: taken from `x-request-id`, `x-correlation-id`, `x-trace-id` or `request-id` when
// the value is safe (1..128 visible ASCII characters without quotes or backslashes), else
// generated ("req-" + 32 hex digits: 12 of Unix milliseconds, so ids sort by time, then 20
// random). Returned to the client and sent to workers as
// `x-request-id`.
#pragma once

#include <cstdint>
#include <string>

#include "server/http/exchange.h"

namespace smg::server {

std::string request_id_for(const Request& request);
std::string generate_request_id();
// The same, made at `unix_ms` (the leading 12 hex digits; tests pass their own time).
std::string generate_request_id(int64_t unix_ms);

}  // namespace smg::server
