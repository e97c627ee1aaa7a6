// RecordFilter: which request-log rows a report looks at, and its SQL WHERE clause. Every query
// is scoped to `domains` (the caller domains the viewer may see): an empty list matches nothing,
// so a forgotten scope shows no data rather than everyone's.
// Thread-safety: plain values.
//
//   RecordFilter f{.domains = {"example/prod"}, .model = "m1", .from_ms = now - 3600000};
//   SqlWhere where = where_clause(f);   // "WHERE caller_domain IN ($1) AND model = $2 AND ..."
// The SQL is the same for SQLite and PostgreSQL (both take $N placeholders).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace smg::requestlog {

struct RecordFilter {
  std::vector<std::string> domains;
  bool include_unscoped = false;  // also rows with no caller domain (failed authentication)
  std::string model;              // exact; empty: any
  std::string caller;             // caller subject, exact
  std::string worker;             // worker URL, exact
  std::string route;
  std::optional<int> status;        // exact HTTP status
  std::vector<int> statuses;        // any of these; empty: any
  std::optional<int> status_class;  // 2, 4 or 5: any 2xx/4xx/5xx
  std::optional<bool> errors_only;  // true: status >= 400 or an error type
  std::optional<bool> stream;
  std::optional<int64_t> from_ms;  // ts_ms >= from_ms
  std::optional<int64_t> to_ms;    // ts_ms < to_ms
  std::optional<int64_t> before_seq;  // pagination cursor: rows older than this one
  int limit = 50;
};

using SqlValue = std::variant<int64_t, std::string>;

struct SqlWhere {
  std::string clause;  // starts with "WHERE "
  std::vector<SqlValue> values;  // bound to $1, $2, ... in order
};

SqlWhere where_clause(const RecordFilter& filter);

// SQL for "this row is an error", shared by every report.
inline constexpr const char* kIsError = "(status >= 400 OR error_type != '')";

}  // namespace smg::requestlog
