// RequestLogStore: the request log, in a SQLite file (one gateway; WAL mode, created 0600) or in
// PostgreSQL (several replicas writing one log, so reports cover all of them). The schema is
// migrated on open (store_schema.h). Two connections: the writer's (batch inserts, content
// deletion and purges) and the readers' (report queries), so reports never wait behind a batch.
// Everything but the batch insert is the same SQL on both engines (sql_dialect.h holds the
// differences). On PostgreSQL a lost connection is re-established on later calls; until then
// calls fail with reason `request_log_unreachable` (the writer keeps its batch and retries; a
// read is tried once more on a new connection first).
// Thread-safety: thread-safe; each connection is used under its own mutex.
//
//   auto store = RequestLogStore::open(data_dir + "/request_log.db");
//   auto shared = RequestLogStore::open_postgres(getenv("SMG_REQUEST_LOG_DSN"));
//   if (!store.ok()) ...                      // reason "request_log_unavailable"
//   (*store)->insert(batch);                  // one transaction
//   auto page = (*store)->list(filter);       // newest first
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/requestlog/internal/sql_connection.h"
#include "server/requestlog/record_filter.h"
#include "server/requestlog/request_record.h"
#include "server/requestlog/sql_dialect.h"

namespace smg::requestlog {

class RequestLogStore {
 public:
  static Result<std::unique_ptr<RequestLogStore>> open(const std::string& path);
  // `dsn`: a libpq connection string or URI. Never logged, nor put in error messages.
  static Result<std::unique_ptr<RequestLogStore>> open_postgres(const std::string& dsn);
  // Over connections the caller made (the migration tests); migrates on `writer`.
  static Result<std::unique_ptr<RequestLogStore>> open_connections(
      std::unique_ptr<internal::SqlConnection> writer,
      std::unique_ptr<internal::SqlConnection> reader);
  RequestLogStore(const RequestLogStore&) = delete;
  RequestLogStore& operator=(const RequestLogStore&) = delete;

  SqlDialect dialect() const { return dialect_; }

  // Inserts every record (and its captured content) in one transaction; assigns `seq`.
  Status insert(std::vector<RequestRecord>& records);

  // Newest first, at most filter.limit rows; content is not loaded.
  Result<std::vector<RequestRecord>> list(const RecordFilter& filter);
  // The newest record with this id inside `domains`; nullopt when there is none.
  Result<std::optional<RequestRecord>> find(const std::string& request_id,
                                            const std::vector<std::string>& domains);
  // The newest record with this id in any domain (content maintenance decides by its domain).
  Result<std::optional<RequestRecord>> find_any(const std::string& request_id);
  Result<std::optional<CapturedContent>> content(int64_t seq);

  // Removes the captured content of one record; false when it had none.
  Result<bool> delete_content(int64_t seq);
  // Removes content whose retention ended at or before now_ms, in `domains` only unless null.
  // The timer's purge (domains null) runs on one replica at a time: when another replica is
  // purging, this one skips and answers 0. A purge limited to domains (an admin's) waits its turn.
  Result<int64_t> purge_expired_content(int64_t now_ms,
                                        const std::vector<std::string>* domains = nullptr);

  // A read-only query on the reader connection (report_queries.cpp).
  Result<internal::SqlRows> query(const std::string& sql, const std::vector<SqlValue>& values);
  int schema_version();

 private:
  RequestLogStore(std::unique_ptr<internal::SqlConnection> writer,
                  std::unique_ptr<internal::SqlConnection> reader)
      : dialect_(writer->dialect()), writer_(std::move(writer)), reader_(std::move(reader)) {}
  Result<std::optional<RequestRecord>> find_where(const std::string& condition,
                                                  const std::vector<SqlValue>& values);
  Result<int64_t> purge_locked(const std::string& sql, const std::vector<SqlValue>& values,
                               bool wait_for_lock);

  SqlDialect dialect_;
  std::unique_ptr<internal::SqlConnection> writer_;
  std::unique_ptr<internal::SqlConnection> reader_;
  std::mutex writer_mutex_;
  std::mutex reader_mutex_;
};

namespace internal {
// The record columns in select order, and a row read back.
extern const char* const kRecordColumns;
RequestRecord record_from_row(const SqlRow& row);
}  // namespace internal

}  // namespace smg::requestlog
