#include "server/requestlog/internal/sqlite_connection.h"

#include <sqlite3.h>

#include "common/sqlite/process_config.h"
#include "server/requestlog/internal/sqlite_statement.h"

namespace smg::requestlog::internal {
namespace {

// Binds value i to "$i", wherever (and however often) the SQL uses it.
bool bind_all(Statement& statement, const std::vector<SqlValue>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string name = "$" + std::to_string(i + 1);
    int index = statement.parameter_index(name.c_str());
    if (index == 0) continue;
    if (const auto* number = std::get_if<int64_t>(&values[i])) {
      statement.bind(index, *number);
    } else {
      statement.bind(index, std::string_view(std::get<std::string>(values[i])));
    }
  }
  return true;
}

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

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path) {
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
  return std::make_unique<SqliteConnection>(db, true);
}

SqliteConnection::~SqliteConnection() {
  if (owned_) sqlite3_close(db_);
}

Status SqliteConnection::error(const std::string& what) const {
  return unavailable("request_log_unavailable",
                     "Request log: " + what + ": " + sqlite3_errmsg(db_));
}

Status SqliteConnection::execute(std::string_view script) {
  std::string sql(script);
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return error("statement failed");
  }
  return Status::ok_status();
}

Result<SqlRows> SqliteConnection::query(const std::string& sql,
                                        const std::vector<SqlValue>& values) {
  Statement select(db_, sql);
  if (!select.ok()) return error("cannot prepare a query");
  bind_all(select, values);
  SqlRows rows;
  int columns = select.column_count();
  int step;
  while ((step = select.step()) == SQLITE_ROW) {
    SqlRow row;
    row.cells.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      // Blob access returns the bytes of any value: text as is, numbers in decimal.
      row.cells.push_back(select.is_null(c) ? std::nullopt
                                            : std::optional<std::string>(select.blob(c)));
    }
    rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE) return error("query failed");
  return rows;
}

Result<int64_t> SqliteConnection::update(const std::string& sql,
                                         const std::vector<SqlValue>& values) {
  Statement change(db_, sql);
  if (!change.ok()) return error("cannot prepare a change");
  bind_all(change, values);
  if (change.step() != SQLITE_DONE) return error("change failed");
  return int64_t{sqlite3_changes(db_)};
}

Status SqliteConnection::insert(std::vector<RequestRecord>& records) {
  if (records.empty()) return Status::ok_status();
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return error("cannot begin");
  }
  Status inserted = insert_locked(records);
  const char* end = inserted.ok() ? "COMMIT" : "ROLLBACK";
  if (sqlite3_exec(db_, end, nullptr, nullptr, nullptr) != SQLITE_OK && inserted.ok()) {
    return error("cannot commit");
  }
  return inserted;
}

// Prepared once per batch and stepped per row: SQLite's fastest path for many small rows.
Status SqliteConnection::insert_locked(std::vector<RequestRecord>& records) {
  Statement row(db_,
                "INSERT INTO requests (request_id, ts_ms, caller_subject, caller_domain,"
                " auth_method, model, worker, route, status, upstream_status, latency_us, ttfb_us,"
                " stream, prompt_tokens, completion_tokens, total_tokens, error_type, client_addr)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                " ?17, ?18)");
  Statement body(db_, "INSERT INTO content VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!row.ok() || !body.ok()) return error("cannot prepare the insert");
  for (RequestRecord& r : records) {
    row.reset();
    bind_record(row, r);
    if (row.step() != SQLITE_DONE) return error("cannot insert a record");
    r.seq = sqlite3_last_insert_rowid(db_);
    if (!r.content) continue;
    body.reset();
    bind_content(body, r.seq, *r.content);
    if (body.step() != SQLITE_DONE) return error("cannot insert content");
  }
  return Status::ok_status();
}

}  // namespace smg::requestlog::internal
