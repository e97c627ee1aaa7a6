#include "server/reports/report_params.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/config/duration.h"
#include "server/admin/admin_responses.h"

namespace smg::server::reports {
namespace {

using requestlog::RecordFilter;

// The parameter's name travels in the reason so the 400 can say which one was wrong.
Status bad(const std::string& name) {
  return invalid_argument(name, "invalid value for the " + name + " parameter");
}

Result<int64_t> parse_integer(const std::string& text, const std::string& name) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return bad(name);
  return value;
}

Status read_status(const std::string& text, RecordFilter& filter) {
  if (text.empty()) return Status::ok_status();
  if (text == "error" || text == "ok") {
    filter.errors_only = text == "error";
  } else if (text.size() == 3 && text[1] == 'x' && text[2] == 'x' && text[0] >= '1' &&
             text[0] <= '5') {
    filter.status_class = text[0] - '0';
  } else {
    auto code = parse_integer(text, "status");
    if (!code.ok() || *code < 100 || *code > 599) return bad("status");
    filter.status = static_cast<int>(*code);
  }
  return Status::ok_status();
}

Status read_time_range(const Request& request, RecordFilter& filter, int64_t now_ms) {
  for (const char* name : {"from", "to"}) {
    std::string text = request.query_param(name);
    if (text.empty()) continue;
    auto ms = parse_time_ms(text);
    if (!ms.ok()) return bad(name);
    (std::string(name) == "from" ? filter.from_ms : filter.to_ms) = *ms;
  }
  if (filter.from_ms) return Status::ok_status();
  std::string window = request.query_param("window");
  int64_t window_ms = kDefaultWindowMs;
  if (!window.empty()) {
    auto parsed = config::parse_duration_ms(window);
    if (!parsed.ok() || *parsed <= 0) return bad("window");
    window_ms = *parsed;
  }
  filter.from_ms = filter.to_ms.value_or(now_ms) - window_ms;
  return Status::ok_status();
}

Status read_paging(const Request& request, RecordFilter& filter) {
  if (std::string limit = request.query_param("limit"); !limit.empty()) {
    auto n = parse_integer(limit, "limit");
    if (!n.ok() || *n < 1 || *n > kMaxPageSize) return bad("limit");
    filter.limit = static_cast<int>(*n);
  }
  if (std::string cursor = request.query_param("cursor"); !cursor.empty()) {
    auto seq = parse_integer(cursor, "cursor");
    if (!seq.ok() || *seq < 1) return bad("cursor");
    filter.before_seq = *seq;
  }
  return Status::ok_status();
}

}  // namespace

Result<int64_t> parse_time_ms(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return parse_integer(text, "time");
  }
  struct tm parts {};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (rest == nullptr) return bad("time");
  int64_t millis = 0;
  if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  if (std::string_view(rest) != "Z") return bad("time");
  return static_cast<int64_t>(timegm(&parts)) * 1000 + millis;
}

Result<RecordFilter> filter_from_query(const Request& request, std::vector<std::string> domains,
                                       int64_t now_ms) {
  RecordFilter filter;
  filter.domains = std::move(domains);
  filter.model = request.query_param("model");
  filter.caller = request.query_param("caller");
  filter.worker = request.query_param("worker");
  filter.route = request.query_param("route");
  std::string stream = request.query_param("stream");
  if (stream == "true" || stream == "false") {
    filter.stream = stream == "true";
  } else if (!stream.empty()) {
    return bad("stream");
  }
  for (Status step : {read_status(request.query_param("status"), filter),
                      read_time_range(request, filter, now_ms), read_paging(request, filter)}) {
    if (!step.ok()) return step;
  }
  return filter;
}

Result<int64_t> bucket_from_query(const Request& request, const RecordFilter& filter,
                                  int64_t now_ms) {
  std::string bucket = request.query_param("bucket");
  if (!bucket.empty()) {
    auto ms = config::parse_duration_ms(bucket);
    if (!ms.ok() || *ms < 1000) return bad("bucket");
    return *ms;
  }
  int64_t span = filter.to_ms.value_or(now_ms) - filter.from_ms.value_or(now_ms);
  // Round to a whole minute so buckets line up across refreshes.
  return std::max<int64_t>(60000, (span / 60 + 59999) / 60000 * 60000);
}

Response invalid_parameter(const Status& status) {
  return admin::admin_json(400, {{"error",
                                  {{"type", "invalid-parameter"},
                                   {"message", "invalid-parameter"},
                                   {"param", status.reason()}}}});
}

}  // namespace smg::server::reports
