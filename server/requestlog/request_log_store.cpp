#include "server/requestlog/request_log_store.h"

#include <sys/stat.h>

#include "server/requestlog/internal/postgres_connection.h"
#include "server/requestlog/internal/sqlite_connection.h"
#include "server/requestlog/store_schema.h"

namespace smg::requestlog {

namespace internal {

const char* const kRecordColumns =
    "seq, request_id, ts_ms, caller_subject, caller_domain, auth_method, model, worker, route,"
    " status, upstream_status, latency_us, ttfb_us, stream, prompt_tokens, completion_tokens,"
    " total_tokens, error_type, client_addr";

RequestRecord record_from_row(const SqlRow& row) {
  RequestRecord r;
  r.seq = row.integer(0);
  r.request_id = row.text(1);
  r.timestamp_ms = row.integer(2);
  r.caller_subject = row.text(3);
  r.caller_domain = row.text(4);
  r.auth_method = row.text(5);
  r.model = row.text(6);
  r.worker = row.text(7);
  r.route = row.text(8);
  r.status = static_cast<int>(row.integer(9));
  r.upstream_status = static_cast<int>(row.integer(10));
  r.latency_us = row.integer(11);
  r.ttfb_us = row.integer(12);
  r.stream = row.integer(13) != 0;
  r.usage = {row.optional_integer(14), row.optional_integer(15), row.optional_integer(16)};
  r.error_type = row.text(17);
  r.client_addr = row.text(18);
  return r;
}

}  // namespace internal

namespace {

// "$first, $first+1, ..." for each domain, appended to `values`.
std::string in_list(const std::vector<std::string>& domains, std::vector<SqlValue>& values) {
  std::string in;
  for (const auto& domain : domains) {
    values.emplace_back(domain);
    in += (in.empty() ? "$" : ", $") + std::to_string(values.size());
  }
  return in;
}

}  // namespace

Result<std::unique_ptr<RequestLogStore>> RequestLogStore::open(const std::string& path) {
  auto writer = internal::SqliteConnection::open(path);
  if (!writer.ok()) return writer.status();
  ::chmod(path.c_str(), 0600);
  auto reader = internal::SqliteConnection::open(path);
  if (!reader.ok()) return reader.status();
  return open_connections(std::move(*writer), std::move(*reader));
}

Result<std::unique_ptr<RequestLogStore>> RequestLogStore::open_postgres(const std::string& dsn) {
  auto writer = internal::PostgresConnection::open(dsn);
  if (!writer.ok()) return unavailable("request_log_unavailable", writer.status().message());
  auto reader = internal::PostgresConnection::open(dsn);
  if (!reader.ok()) return unavailable("request_log_unavailable", reader.status().message());
  return open_connections(std::move(*writer), std::move(*reader));
}

Result<std::unique_ptr<RequestLogStore>> RequestLogStore::open_connections(
    std::unique_ptr<internal::SqlConnection> writer,
    std::unique_ptr<internal::SqlConnection> reader) {
  if (Status migrated = migrate(*writer); !migrated.ok()) return migrated;
  return std::unique_ptr<RequestLogStore>(
      new RequestLogStore(std::move(writer), std::move(reader)));
}

int RequestLogStore::schema_version() {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return requestlog::schema_version(*reader_);
}

Status RequestLogStore::insert(std::vector<RequestRecord>& records) {
  if (records.empty()) return Status::ok_status();
  std::lock_guard<std::mutex> lock(writer_mutex_);
  return writer_->insert(records);
}

Result<internal::SqlRows> RequestLogStore::query(const std::string& sql,
                                                 const std::vector<SqlValue>& values) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  auto rows = reader_->query(sql, values);
  // A read that finds its connection dropped (PostgreSQL restarted since the last report) is
  // tried once more on a new connection; reads are safe to repeat.
  if (!rows.ok() && rows.status().reason() == internal::kUnreachable) {
    rows = reader_->query(sql, values);
  }
  return rows;
}

Result<std::vector<RequestRecord>> RequestLogStore::list(const RecordFilter& filter) {
  SqlWhere where = where_clause(filter);
  std::string sql = std::string("SELECT ") + internal::kRecordColumns + " FROM requests " +
                    where.clause + " ORDER BY seq DESC LIMIT " + std::to_string(filter.limit);
  auto rows = query(sql, where.values);
  if (!rows.ok()) return rows.status();
  std::vector<RequestRecord> records;
  records.reserve(rows->size());
  for (const auto& row : *rows) records.push_back(internal::record_from_row(row));
  return records;
}

Result<std::optional<RequestRecord>> RequestLogStore::find_where(
    const std::string& condition, const std::vector<SqlValue>& values) {
  std::string sql = std::string("SELECT ") + internal::kRecordColumns + " FROM requests WHERE " +
                    condition + " ORDER BY seq DESC LIMIT 1";
  auto rows = query(sql, values);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(internal::record_from_row(rows->front()));
}

Result<std::optional<RequestRecord>> RequestLogStore::find(const std::string& request_id,
                                                           const std::vector<std::string>& domains) {
  if (domains.empty()) return std::optional<RequestRecord>();
  std::vector<SqlValue> values{request_id};
  std::string in = in_list(domains, values);
  return find_where("request_id = $1 AND caller_domain IN (" + in + ")", values);
}

Result<std::optional<RequestRecord>> RequestLogStore::find_any(const std::string& request_id) {
  return find_where("request_id = $1", {request_id});
}

Result<std::optional<CapturedContent>> RequestLogStore::content(int64_t seq) {
  auto rows = query(
      "SELECT request_body, response_body, request_truncated, response_truncated,"
      " captured_at_ms, expires_at_ms FROM content WHERE seq = $1",
      {seq});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<CapturedContent>();
  const auto& row = rows->front();
  return std::optional<CapturedContent>(CapturedContent{row.text(0), row.text(1),
                                                        row.integer(2) != 0, row.integer(3) != 0,
                                                        row.integer(4), row.integer(5)});
}

Result<bool> RequestLogStore::delete_content(int64_t seq) {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  auto changed = writer_->update("DELETE FROM content WHERE seq = $1", {seq});
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Result<int64_t> RequestLogStore::purge_expired_content(int64_t now_ms,
                                                       const std::vector<std::string>* domains) {
  std::vector<SqlValue> values{now_ms};
  std::string sql = "DELETE FROM content WHERE expires_at_ms <= $1";
  if (domains != nullptr) {
    std::string in = in_list(*domains, values);
    if (in.empty()) return int64_t{0};
    sql += " AND seq IN (SELECT seq FROM requests WHERE caller_domain IN (" + in + "))";
  }
  return purge_locked(sql, values, domains != nullptr);
}

// The purge lock is a transaction lock: it is released at COMMIT or ROLLBACK, also when the
// connection drops mid-purge.
Result<int64_t> RequestLogStore::purge_locked(const std::string& sql,
                                              const std::vector<SqlValue>& values,
                                              bool wait_for_lock) {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  if (Status begun = writer_->execute(begin_write_sql(dialect_)); !begun.ok()) return begun;
  auto granted = writer_->query(transaction_lock_sql(dialect_, ClusterLock::kPurge, wait_for_lock),
                                {});
  Result<int64_t> purged = int64_t{0};
  if (!granted.ok()) {
    purged = granted.status();
  } else if (!granted->empty() && granted->front().integer(0) == 1) {
    purged = writer_->update(sql, values);
  }
  Status ended = writer_->execute(purged.ok() ? "COMMIT" : "ROLLBACK");
  if (purged.ok() && !ended.ok()) return ended;
  return purged;
}

}  // namespace smg::requestlog
