// SqlConnection: the few operations the request log needs from a database, so the store, its
// migrations and the report queries are written once for SQLite and PostgreSQL. SQL text uses
// `$1, $2, ...` placeholders, which both engines accept (SQLite reads them as named parameters
// and binds by name); what differs between the engines is in sql_dialect.h and the two
// implementations. Internal to server/requestlog.
// Thread-safety: not thread-safe; the store serializes each connection with its own mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "server/requestlog/record_filter.h"
#include "server/requestlog/request_record.h"
#include "server/requestlog/sql_dialect.h"

namespace smg::requestlog::internal {

// One result row; every cell is its text (integers in decimal, blobs as raw bytes) or null.
struct SqlRow {
  std::vector<std::optional<std::string>> cells;

  std::string text(std::size_t column) const { return cells.at(column).value_or(""); }
  int64_t integer(std::size_t column) const;
  double real(std::size_t column) const;
  std::optional<int64_t> optional_integer(std::size_t column) const;
};
using SqlRows = std::vector<SqlRow>;

// A failure whose connection is gone (PostgreSQL stopped, network cut): the writer keeps the
// batch and retries after a back-off instead of counting it lost.
inline constexpr const char* kUnreachable = "request_log_unreachable";

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;

  // Runs statements that take no parameters and return no rows (DDL, BEGIN, COMMIT).
  virtual Status execute(std::string_view script) = 0;
  virtual Result<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& values) = 0;
  // A statement that changes rows; returns how many it changed.
  virtual Result<int64_t> update(const std::string& sql, const std::vector<SqlValue>& values) = 0;
  // Inserts the records and their content in one transaction and assigns each its `seq`.
  virtual Status insert(std::vector<RequestRecord>& records) = 0;
};

}  // namespace smg::requestlog::internal
