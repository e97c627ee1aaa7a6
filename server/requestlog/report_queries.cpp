#include "server/requestlog/report_queries.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace smg::requestlog {
namespace {

using internal::SqlRow;

// The aggregate columns every grouping reads, in the order totals_from_row() expects. CASE, not
// SUM of a condition: PostgreSQL has no SUM(boolean).
const std::string kTotalsColumns =
    std::string("COUNT(*), COALESCE(SUM(CASE WHEN ") + kIsError +
    " THEN 1 ELSE 0 END), 0), COALESCE(SUM(stream), 0), COALESCE(SUM(prompt_tokens), 0),"
    " COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(total_tokens), 0),"
    " COALESCE(AVG(latency_us), 0)";

Totals totals_from_row(const SqlRow& row, std::size_t first) {
  return Totals{row.integer(first),     row.integer(first + 1), row.integer(first + 2),
                row.integer(first + 3), row.integer(first + 4), row.integer(first + 5),
                row.real(first + 6) / 1000.0};
}

const char* column_of(Dimension dimension) {
  switch (dimension) {
    case Dimension::kModel: return "model";
    case Dimension::kCaller: return "caller_subject";
    case Dimension::kWorker: return "worker";
    case Dimension::kRoute: return "route";
    case Dimension::kErrorType: return "error_type";
  }
  return "model";
}

// Nearest-rank percentile of `column` among `count` matching rows: one indexed ORDER BY with an
// OFFSET, the same on both engines (SQLite has no percentile function).
Result<double> percentile_ms(RequestLogStore& store, const SqlWhere& where, const char* column,
                             int64_t count, double p) {
  if (count == 0) return 0.0;
  auto rank = static_cast<int64_t>(std::ceil(p * static_cast<double>(count))) - 1;
  std::string sql = std::string("SELECT ") + column + " FROM requests " + where.clause +
                    " ORDER BY " + column + " LIMIT 1 OFFSET " +
                    std::to_string(std::max<int64_t>(rank, 0));
  auto rows = store.query(sql, where.values);
  if (!rows.ok()) return rows.status();
  return rows->empty() ? 0.0 : static_cast<double>(rows->front().integer(0)) / 1000.0;
}

// Runs a grouped query with the filter's values bound, one T per row: the one read-and-error path
// of breakdown() and timeseries().
template <typename T, typename RowToValue>
Result<std::vector<T>> collect_rows(RequestLogStore& store, const std::string& sql,
                                    const SqlWhere& where, RowToValue row_to_value) {
  auto rows = store.query(sql, where.values);
  if (!rows.ok()) return rows.status();
  std::vector<T> out;
  out.reserve(rows->size());
  for (const SqlRow& row : *rows) out.push_back(row_to_value(row));
  return out;
}

}  // namespace

Result<Summary> ReportQueries::summary(const RecordFilter& filter) {
  SqlWhere where = where_clause(filter);
  auto rows = store_.query("SELECT " + kTotalsColumns + " FROM requests " + where.clause,
                           where.values);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return unavailable("request_log_unavailable", "Request log: no totals row");
  Summary summary;
  summary.totals = totals_from_row(rows->front(), 0);
  int64_t n = summary.totals.requests;
  for (auto [column, p, out] : {std::tuple{"latency_us", 0.50, &summary.p50_latency_ms},
                                std::tuple{"latency_us", 0.95, &summary.p95_latency_ms},
                                std::tuple{"ttfb_us", 0.50, &summary.p50_ttfb_ms}}) {
    auto value = percentile_ms(store_, where, column, n, p);
    if (!value.ok()) return value.status();
    *out = *value;
  }
  return summary;
}

Result<std::vector<Group>> ReportQueries::breakdown(const RecordFilter& filter,
                                                    Dimension dimension, int limit) {
  SqlWhere where = where_clause(filter);
  const char* column = column_of(dimension);
  std::string sql = std::string("SELECT ") + column + ", " + kTotalsColumns + " FROM requests " +
                    where.clause + " GROUP BY " + column + " ORDER BY 2 DESC, 1 LIMIT " +
                    std::to_string(limit);
  return collect_rows<Group>(store_, sql, where, [](const SqlRow& row) {
    return Group{row.text(0), totals_from_row(row, 1)};
  });
}

Result<std::vector<Bucket>> ReportQueries::timeseries(const RecordFilter& filter,
                                                      int64_t bucket_ms) {
  SqlWhere where = where_clause(filter);
  std::string width = std::to_string(std::max<int64_t>(bucket_ms, 1000));
  std::string bucket = "(ts_ms / " + width + ") * " + width;
  std::string sql = "SELECT " + bucket + ", " + kTotalsColumns + " FROM requests " +
                    where.clause + " GROUP BY 1 ORDER BY 1";
  return collect_rows<Bucket>(store_, sql, where, [](const SqlRow& row) {
    return Bucket{row.integer(0), totals_from_row(row, 1)};
  });
}

nlohmann::json to_json(const Totals& t) {
  double rate = t.requests == 0 ? 0.0 : static_cast<double>(t.errors) / static_cast<double>(t.requests);
  return {{"requests", t.requests},
          {"errors", t.errors},
          {"error_rate", rate},
          {"streams", t.streams},
          {"prompt_tokens", t.prompt_tokens},
          {"completion_tokens", t.completion_tokens},
          {"total_tokens", t.total_tokens},
          {"avg_latency_ms", t.avg_latency_ms}};
}

nlohmann::json to_json(const Summary& summary) {
  nlohmann::json body = to_json(summary.totals);
  body["p50_latency_ms"] = summary.p50_latency_ms;
  body["p95_latency_ms"] = summary.p95_latency_ms;
  body["p50_ttfb_ms"] = summary.p50_ttfb_ms;
  return body;
}

}  // namespace smg::requestlog
