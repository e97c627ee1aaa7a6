#include "server/requestlog/report_queries.h"

#include <sqlite3.h>

#include <cmath>

#include "server/requestlog/internal/sqlite_statement.h"

namespace smg::requestlog {
namespace {

using internal::Statement;

// The aggregate columns every grouping reads, in the order totals_from_row() expects.
const std::string kTotalsColumns =
    std::string("COUNT(*), COALESCE(SUM(") + kIsError +
    "), 0), COALESCE(SUM(stream), 0), COALESCE(SUM(prompt_tokens), 0),"
    " COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(total_tokens), 0),"
    " COALESCE(AVG(latency_us), 0)";

Totals totals_from_row(const Statement& row, int first) {
  return Totals{row.integer(first),     row.integer(first + 1), row.integer(first + 2),
                row.integer(first + 3), row.integer(first + 4), row.integer(first + 5),
                row.real(first + 6) / 1000.0};
}

Status query_error(sqlite3* db) {
  return unavailable("request_log_unavailable",
                     std::string("Request log: report query failed: ") + sqlite3_errmsg(db));
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
// OFFSET, since SQLite has no percentile function.
double percentile_ms(sqlite3* db, const SqlWhere& where, const char* column, int64_t count,
                     double p) {
  if (count == 0) return 0;
  auto rank = static_cast<int64_t>(std::ceil(p * static_cast<double>(count))) - 1;
  std::string sql = std::string("SELECT ") + column + " FROM requests " + where.clause +
                    " ORDER BY " + column + " LIMIT 1 OFFSET " + std::to_string(std::max<int64_t>(rank, 0));
  Statement select(db, sql);
  if (!select.ok()) return 0;
  internal::bind_all(select, where.values);
  return select.step() == SQLITE_ROW ? static_cast<double>(select.integer(0)) / 1000.0 : 0;
}

// Runs a grouped query with the filter's values bound, one T per row: the one read-and-error path
// of breakdown() and timeseries().
template <typename T, typename RowToValue>
Result<std::vector<T>> collect_rows(RequestLogStore& store, const std::string& sql,
                                    const SqlWhere& where, RowToValue row_to_value) {
  Result<std::vector<T>> result = std::vector<T>{};
  store.read([&](sqlite3* db) {
    Statement select(db, sql);
    if (!select.ok()) {
      result = query_error(db);
      return;
    }
    internal::bind_all(select, where.values);
    std::vector<T> rows;
    int step;
    while ((step = select.step()) == SQLITE_ROW) {
      rows.push_back(row_to_value(select));
    }
    result = step == SQLITE_DONE ? Result<std::vector<T>>(std::move(rows))
                                 : Result<std::vector<T>>(query_error(db));
  });
  return result;
}

}  // namespace

Result<Summary> ReportQueries::summary(const RecordFilter& filter) {
  SqlWhere where = where_clause(filter);
  Result<Summary> result = Summary{};
  store_.read([&](sqlite3* db) {
    Statement select(db, "SELECT " + kTotalsColumns + " FROM requests " + where.clause);
    if (!select.ok()) {
      result = query_error(db);
      return;
    }
    internal::bind_all(select, where.values);
    if (select.step() != SQLITE_ROW) {
      result = query_error(db);
      return;
    }
    Summary summary;
    summary.totals = totals_from_row(select, 0);
    int64_t n = summary.totals.requests;
    summary.p50_latency_ms = percentile_ms(db, where, "latency_us", n, 0.50);
    summary.p95_latency_ms = percentile_ms(db, where, "latency_us", n, 0.95);
    summary.p50_ttfb_ms = percentile_ms(db, where, "ttfb_us", n, 0.50);
    result = summary;
  });
  return result;
}

Result<std::vector<Group>> ReportQueries::breakdown(const RecordFilter& filter,
                                                    Dimension dimension, int limit) {
  SqlWhere where = where_clause(filter);
  const char* column = column_of(dimension);
  std::string sql = std::string("SELECT ") + column + ", " + kTotalsColumns + " FROM requests " +
                    where.clause + " GROUP BY " + column + " ORDER BY 2 DESC, 1 LIMIT " +
                    std::to_string(limit);
  return collect_rows<Group>(store_, sql, where, [](const Statement& row) {
    return Group{row.text(0), totals_from_row(row, 1)};
  });
}

Result<std::vector<Bucket>> ReportQueries::timeseries(const RecordFilter& filter,
                                                      int64_t bucket_ms) {
  SqlWhere where = where_clause(filter);
  std::string bucket = "(ts_ms / " + std::to_string(std::max<int64_t>(bucket_ms, 1000)) + ") * " +
                       std::to_string(std::max<int64_t>(bucket_ms, 1000));
  std::string sql = "SELECT " + bucket + ", " + kTotalsColumns + " FROM requests " +
                    where.clause + " GROUP BY 1 ORDER BY 1";
  return collect_rows<Bucket>(store_, sql, where, [](const Statement& row) {
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
