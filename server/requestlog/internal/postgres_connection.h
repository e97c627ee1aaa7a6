// PostgresConnection: SqlConnection over one libpq connection (see sql_connection.h), for the
// request log shared by several gateway replicas. The connection string comes from the
// environment and is never logged. A lost connection is re-established on the next call, at most
// once per back-off (200 ms doubling to 5 s); calls in between fail at once with reason
// `request_log_unreachable`, so nothing waits on a server that is down for longer than one
// connect timeout. Internal to server/requestlog.
// Thread-safety: not thread-safe; callers hold the store's lock for this connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "server/requestlog/internal/sql_connection.h"

struct pg_conn;

namespace smg::requestlog::internal {

class PostgresConnection : public SqlConnection {
 public:
  // Connects once; an unreachable server is an error here (start-up decides what to do).
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& dsn);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  Status execute(std::string_view script) override;
  Result<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& values) override;
  Result<int64_t> update(const std::string& sql, const std::vector<SqlValue>& values) override;
  Status insert(std::vector<RequestRecord>& records) override;

 private:
  explicit PostgresConnection(std::string dsn) : dsn_(std::move(dsn)) {}
  Status connect();
  Status ready();
  Status failure(const std::string& what);
  Status insert_rows(std::vector<RequestRecord>& records);
  Status insert_content(const std::vector<RequestRecord>& records);
  Status copy(const std::string& sql, const std::vector<RequestRecord>& records, bool content);

  std::string dsn_;
  pg_conn* conn_ = nullptr;
  bool lost_logged_ = false;
  std::chrono::milliseconds backoff_{200};
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace smg::requestlog::internal
