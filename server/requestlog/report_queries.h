// Aggregates over the request log for the report APIs: totals with error rate and latency
// percentiles, the same split by model / caller / worker, and time buckets for charts. Every
// query takes a RecordFilter, so it is scoped to the viewer's domains like the row listing.
// The SQL is written once and runs on SQLite and PostgreSQL alike (through RequestLogStore::query).
// Thread-safety: thread-safe (runs on the store's reader connection).
//
//   ReportQueries queries(store);
//   auto summary = queries.summary(filter);
//   auto by_model = queries.breakdown(filter, Dimension::kModel);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "server/requestlog/record_filter.h"
#include "server/requestlog/request_log_store.h"

namespace smg::requestlog {

struct Totals {
  int64_t requests = 0;
  int64_t errors = 0;
  int64_t streams = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t total_tokens = 0;
  double avg_latency_ms = 0;
};

struct Summary {
  Totals totals;
  double p50_latency_ms = 0;
  double p95_latency_ms = 0;
  double p50_ttfb_ms = 0;
};

enum class Dimension { kModel, kCaller, kWorker, kRoute, kErrorType };

struct Group {
  std::string key;
  Totals totals;
};

struct Bucket {
  int64_t start_ms = 0;
  Totals totals;
};

class ReportQueries {
 public:
  explicit ReportQueries(RequestLogStore& store) : store_(store) {}

  Result<Summary> summary(const RecordFilter& filter);
  // Largest request count first, at most `limit` groups.
  Result<std::vector<Group>> breakdown(const RecordFilter& filter, Dimension dimension,
                                       int limit = 20);
  // Buckets aligned to multiples of bucket_ms; empty buckets are left out.
  Result<std::vector<Bucket>> timeseries(const RecordFilter& filter, int64_t bucket_ms);

 private:
  RequestLogStore& store_;
};

nlohmann::json to_json(const Totals& totals);
nlohmann::json to_json(const Summary& summary);

}  // namespace smg::requestlog
