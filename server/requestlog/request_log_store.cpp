#include "server/requestlog/request_log_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "common/sqlite/process_config.h"
#include "server/requestlog/internal/sqlite_statement.h"
#include "server/requestlog/store_schema.h"

namespace smg::requestlog {

using internal::Statement;

namespace internal {

const char* const kRecordColumns =
    "seq, request_id, ts_ms, caller_subject, caller_domain, auth_method, model, worker, route,"
    " status, upstream_status, latency_us, ttfb_us, stream, prompt_tokens, completion_tokens,"
    " total_tokens, error_type, client_addr";

RequestRecord record_from_row(const Statement& row) {
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

void bind_all(Statement& statement, const std::vector<SqlValue>& values, int first) {
  int index = first;
  for (const auto& value : values) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      statement.bind(index++, *number);
    } else {
      statement.bind(index++, std::string_view(std::get<std::string>(value)));
    }
  }
}

}  // namespace internal

namespace {

Status store_error(sqlite3* db, const std::string& what) {
  return unavailable("request_log_unavailable",
                     "Request log: " + what + ": " + sqlite3_errmsg(db));
}

Result<sqlite3*> connect(const std::string& path) {
  sqlite::configure_process();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return unavailable("request_log_unavailable", "Request log: cannot open " + path);
  }
  sqlite3_busy_timeout(db, 5000);
  // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the
  // last commits, which a log written off the request path accepts.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                          "PRAGMA foreign_keys=ON",
                          // 32 MiB of page cache (allocated as used) keeps the indexes' hot
                          // pages in memory: inserts stop re-reading them from the file.
                          "PRAGMA cache_size=-32768",
                          // Checkpoint every 10,000 WAL pages (~40 MiB), not 1,000: a page that
                          // every batch touches (the tail of each index) is copied back once
                          // per checkpoint. The WAL file is cut back to 64 MiB afterwards.
                          "PRAGMA wal_autocheckpoint=10000",
                          "PRAGMA journal_size_limit=67108864"}) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      return unavailable("request_log_unavailable", "Request log: cannot configure " + path);
    }
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<RequestLogStore>> RequestLogStore::open(const std::string& path) {
  auto writer = connect(path);
  if (!writer.ok()) return writer.status();
  ::chmod(path.c_str(), 0600);
  if (Status migrated = migrate(*writer); !migrated.ok()) {
    sqlite3_close(*writer);
    return migrated;
  }
  auto reader = connect(path);
  if (!reader.ok()) {
    sqlite3_close(*writer);
    return reader.status();
  }
  return std::unique_ptr<RequestLogStore>(new RequestLogStore(*writer, *reader));
}

RequestLogStore::~RequestLogStore() {
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

int RequestLogStore::schema_version() {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return requestlog::schema_version(reader_);
}

Status RequestLogStore::insert(std::vector<RequestRecord>& records) {
  if (records.empty()) return Status::ok_status();
  std::lock_guard<std::mutex> lock(writer_mutex_);
  if (sqlite3_exec(writer_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return store_error(writer_, "cannot begin");
  }
  Status inserted = insert_locked(records);
  const char* end = inserted.ok() ? "COMMIT" : "ROLLBACK";
  if (sqlite3_exec(writer_, end, nullptr, nullptr, nullptr) != SQLITE_OK && inserted.ok()) {
    return store_error(writer_, "cannot commit");
  }
  return inserted;
}

namespace {

void bind_record(Statement& row, const RequestRecord& r) {
  int i = 1;
  row.bind(i++, std::string_view(r.request_id));
  row.bind(i++, r.timestamp_ms);
  for (const std::string* text : {&r.caller_subject, &r.caller_domain, &r.auth_method, &r.model,
                                  &r.worker, &r.route}) {
    row.bind(i++, std::string_view(*text));
  }
  for (int64_t number : {int64_t{r.status}, int64_t{r.upstream_status}, r.latency_us, r.ttfb_us,
                         int64_t{r.stream ? 1 : 0}}) {
    row.bind(i++, number);
  }
  for (const auto& count : {r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens}) {
    row.bind(i++, count);
  }
  row.bind(i++, std::string_view(r.error_type));
  row.bind(i++, std::string_view(r.client_addr));
}

void bind_content(Statement& body, int64_t seq, const CapturedContent& c) {
  body.bind(1, seq);
  body.bind_blob(2, c.request_body);
  body.bind_blob(3, c.response_body);
  body.bind(4, int64_t{c.request_truncated ? 1 : 0});
  body.bind(5, int64_t{c.response_truncated ? 1 : 0});
  body.bind(6, c.captured_at_ms);
  body.bind(7, c.expires_at_ms);
}

}  // namespace

Status RequestLogStore::insert_locked(std::vector<RequestRecord>& records) {
  Statement row(writer_,
                "INSERT INTO requests (request_id, ts_ms, caller_subject, caller_domain,"
                " auth_method, model, worker, route, status, upstream_status, latency_us, ttfb_us,"
                " stream, prompt_tokens, completion_tokens, total_tokens, error_type, client_addr)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                " ?17, ?18)");
  Statement body(writer_, "INSERT INTO content VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!row.ok() || !body.ok()) return store_error(writer_, "cannot prepare the insert");
  for (RequestRecord& r : records) {
    row.reset();
    bind_record(row, r);
    if (row.step() != SQLITE_DONE) return store_error(writer_, "cannot insert a record");
    r.seq = sqlite3_last_insert_rowid(writer_);
    if (!r.content) continue;
    body.reset();
    bind_content(body, r.seq, *r.content);
    if (body.step() != SQLITE_DONE) return store_error(writer_, "cannot insert content");
  }
  return Status::ok_status();
}

Result<std::vector<RequestRecord>> RequestLogStore::list(const RecordFilter& filter) {
  SqlWhere where = where_clause(filter);
  std::string sql = std::string("SELECT ") + internal::kRecordColumns + " FROM requests " +
                    where.clause + " ORDER BY seq DESC LIMIT " + std::to_string(filter.limit);
  std::lock_guard<std::mutex> lock(reader_mutex_);
  Statement select(reader_, sql);
  if (!select.ok()) return store_error(reader_, "cannot prepare the listing");
  internal::bind_all(select, where.values);
  std::vector<RequestRecord> rows;
  int step;
  while ((step = select.step()) == SQLITE_ROW) rows.push_back(internal::record_from_row(select));
  if (step != SQLITE_DONE) return store_error(reader_, "cannot list records");
  return rows;
}

Result<std::optional<RequestRecord>> RequestLogStore::find_where(
    const std::string& condition, const std::vector<SqlValue>& values) {
  std::string sql = std::string("SELECT ") + internal::kRecordColumns + " FROM requests WHERE " +
                    condition + " ORDER BY seq DESC LIMIT 1";
  std::lock_guard<std::mutex> lock(reader_mutex_);
  Statement select(reader_, sql);
  if (!select.ok()) return store_error(reader_, "cannot prepare the lookup");
  internal::bind_all(select, values);
  int step = select.step();
  if (step == SQLITE_DONE) return std::optional<RequestRecord>();
  if (step != SQLITE_ROW) return store_error(reader_, "cannot look up a record");
  return std::optional<RequestRecord>(internal::record_from_row(select));
}

Result<std::optional<RequestRecord>> RequestLogStore::find(const std::string& request_id,
                                                           const std::vector<std::string>& domains) {
  if (domains.empty()) return std::optional<RequestRecord>();
  std::vector<SqlValue> values{request_id};
  std::string in;
  for (const auto& domain : domains) {
    values.emplace_back(domain);
    in += (in.empty() ? "?" : ", ?") + std::to_string(values.size());
  }
  return find_where("request_id = ?1 AND caller_domain IN (" + in + ")", values);
}

Result<std::optional<RequestRecord>> RequestLogStore::find_any(const std::string& request_id) {
  return find_where("request_id = ?1", {request_id});
}

Result<std::optional<CapturedContent>> RequestLogStore::content(int64_t seq) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  Statement select(reader_,
                   "SELECT request_body, response_body, request_truncated, response_truncated,"
                   " captured_at_ms, expires_at_ms FROM content WHERE seq = ?1");
  if (!select.ok()) return store_error(reader_, "cannot prepare the content lookup");
  select.bind(1, seq);
  int step = select.step();
  if (step == SQLITE_DONE) return std::optional<CapturedContent>();
  if (step != SQLITE_ROW) return store_error(reader_, "cannot read content");
  return std::optional<CapturedContent>(CapturedContent{select.blob(0), select.blob(1),
                                                        select.integer(2) != 0,
                                                        select.integer(3) != 0, select.integer(4),
                                                        select.integer(5)});
}

Result<bool> RequestLogStore::delete_content(int64_t seq) {
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Statement remove(writer_, "DELETE FROM content WHERE seq = ?1");
  remove.bind(1, seq);
  if (!remove.ok() || remove.step() != SQLITE_DONE) return store_error(writer_, "cannot delete");
  return sqlite3_changes(writer_) > 0;
}

Result<int64_t> RequestLogStore::purge_expired_content(int64_t now_ms,
                                                       const std::vector<std::string>* domains) {
  std::vector<SqlValue> values{now_ms};
  std::string sql = "DELETE FROM content WHERE expires_at_ms <= ?1";
  if (domains != nullptr) {
    std::string in;
    for (const auto& domain : *domains) {
      values.emplace_back(domain);
      in += (in.empty() ? "?" : ", ?") + std::to_string(values.size());
    }
    if (in.empty()) return int64_t{0};
    sql += " AND seq IN (SELECT seq FROM requests WHERE caller_domain IN (" + in + "))";
  }
  std::lock_guard<std::mutex> lock(writer_mutex_);
  Statement purge(writer_, sql);
  if (!purge.ok()) return store_error(writer_, "cannot prepare the purge");
  internal::bind_all(purge, values);
  if (purge.step() != SQLITE_DONE) return store_error(writer_, "cannot purge");
  return int64_t{sqlite3_changes(writer_)};
}

void RequestLogStore::read(const std::function<void(sqlite3*)>& query) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  query(reader_);
}

}  // namespace smg::requestlog
