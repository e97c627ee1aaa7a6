// Query parameters of the report APIs, turned into a RecordFilter once per request:
//   window=24h            rows newer than now - window (default 24h; ignored when from= is set)
//   from=, to=            Unix milliseconds or RFC 3339 UTC ("2026-11-23T10:00:00Z")
//   model=, caller=, worker=, route=   exact matches
//   status=200 | 4xx | 5xx | error | ok
//   stream=true|false
//   limit=1..500 (50), cursor=<next_cursor of the previous page>
//   bucket=5m             timeseries bucket (default: the window split into about 60)
// A bad value is 400 `invalid-parameter` naming the parameter.
// Thread-safety: pure functions.
//
//   auto filter = filter_from_query(request, viewer.domains, unix_now_ms());
//   if (!filter.ok()) return invalid_parameter(filter.status());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/http/exchange.h"
#include "server/requestlog/record_filter.h"

namespace smg::server::reports {

inline constexpr int64_t kDefaultWindowMs = 24LL * 3600 * 1000;
inline constexpr int kMaxPageSize = 500;

Result<requestlog::RecordFilter> filter_from_query(const Request& request,
                                                   std::vector<std::string> domains,
                                                   int64_t now_ms);
// bucket= or a default that splits the filter's time range into about 60 buckets.
Result<int64_t> bucket_from_query(const Request& request, const requestlog::RecordFilter& filter,
                                  int64_t now_ms);
// Unix milliseconds from digits or RFC 3339 UTC with optional fraction.
Result<int64_t> parse_time_ms(const std::string& text);

// 400 {"error":{"type":"invalid-parameter","message":"invalid-parameter","param":NAME}}.
Response invalid_parameter(const Status& status);

}  // namespace smg::server::reports
