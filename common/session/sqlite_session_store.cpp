#include "common/session/sqlite_session_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/sqlite/process_config.h"

namespace smg::session {
namespace {

constexpr int kSchemaVersion = 1;

Status store_error(const std::string& what) {
  return unavailable("session_store_unavailable", "Session store: " + what);
}

// RAII for one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK; }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return ok_; }
  void bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  int step() { return sqlite3_step(stmt_); }
  std::string text(int column) {
    const unsigned char* value = sqlite3_column_text(stmt_, column);
    return value == nullptr ? std::string() : reinterpret_cast<const char*>(value);
  }
  int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions ("
    " id_sha256 TEXT PRIMARY KEY, subject TEXT NOT NULL, domain TEXT NOT NULL,"
    " email TEXT NOT NULL, issuer TEXT NOT NULL, groups_json TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);";

}  // namespace

SqliteSessionStore::SqliteSessionStore(sqlite3* db, SessionLimits limits, const Clock& clock)
    : db_(db), limits_(limits), clock_(clock) {}

SqliteSessionStore::~SqliteSessionStore() { sqlite3_close(db_); }

Status SqliteSessionStore::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return store_error(sqlite3_errmsg(db_));
  }
  return Status::ok_status();
}

Result<std::unique_ptr<SqliteSessionStore>> SqliteSessionStore::open(const std::string& path,
                                                                     SessionLimits limits,
                                                                     const Clock& clock) {
  sqlite::configure_process();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return store_error("cannot open " + path);
  }
  std::unique_ptr<SqliteSessionStore> store(new SqliteSessionStore(db, limits, clock));
  ::chmod(path.c_str(), 0600);
  sqlite3_busy_timeout(db, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", kSchema}) {
    if (Status done = store->exec(sql); !done.ok()) return done;
  }
  Statement version(db, "SELECT MAX(version) FROM schema_version");
  if (!version.ok() || version.step() != SQLITE_ROW) return store_error("cannot read the schema");
  int64_t found = version.integer(0);
  if (found > kSchemaVersion) return store_error("schema version " + std::to_string(found) + " is newer than this gateway");
  if (found == 0) {
    if (Status done = store->exec("INSERT INTO schema_version VALUES (1);"); !done.ok()) return done;
  }
  return store;
}

Result<std::string> SqliteSessionStore::create(Session session) {
  int64_t now = clock_.now_seconds();
  std::string id = new_session_id();
  std::lock_guard<std::mutex> lock(mutex_);
  Statement insert(db_,
                   "INSERT INTO sessions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return store_error(sqlite3_errmsg(db_));
  insert.bind(1, session_key(id));
  insert.bind(2, session.subject);
  insert.bind(3, session.domain);
  insert.bind(4, session.email);
  insert.bind(5, session.issuer);
  insert.bind(6, groups_to_json(session.groups));
  insert.bind(7, now);
  insert.bind(8, now);
  insert.bind(9, now + limits_.ttl_secs);
  if (insert.step() != SQLITE_DONE) return store_error(sqlite3_errmsg(db_));
  return id;
}

Result<Session> SqliteSessionStore::get(std::string_view id) {
  if (!plausible_session_id(id)) return session_invalid();
  int64_t now = clock_.now_seconds();
  std::string key = session_key(id);
  std::lock_guard<std::mutex> lock(mutex_);
  Statement select(db_,
                   "SELECT subject, domain, email, issuer, groups_json, created_at, last_seen_at,"
                   " expires_at FROM sessions WHERE id_sha256 = ?1");
  if (!select.ok()) return store_error(sqlite3_errmsg(db_));
  select.bind(1, key);
  if (select.step() != SQLITE_ROW) return session_invalid();
  Session session{select.text(0), select.text(1), select.text(2), select.text(3),
                  groups_from_json(select.text(4)), select.integer(5), select.integer(6),
                  select.integer(7)};
  if (!session_alive(session, now, limits_)) {
    (void)remove_key_locked(key);
    return session_invalid();
  }
  Statement touch(db_, "UPDATE sessions SET last_seen_at = ?1 WHERE id_sha256 = ?2");
  touch.bind(1, now);
  touch.bind(2, key);
  if (touch.step() != SQLITE_DONE) return store_error(sqlite3_errmsg(db_));
  session.last_seen_at = now;
  return session;
}

Status SqliteSessionStore::remove_key_locked(const std::string& key) {
  Statement remove(db_, "DELETE FROM sessions WHERE id_sha256 = ?1");
  remove.bind(1, key);
  if (remove.step() != SQLITE_DONE) return store_error(sqlite3_errmsg(db_));
  return Status::ok_status();
}

Status SqliteSessionStore::remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return remove_key_locked(session_key(id));
}

std::size_t SqliteSessionStore::purge_expired() {
  int64_t now = clock_.now_seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  Statement purge(db_, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at + ?2 <= ?1");
  purge.bind(1, now);
  purge.bind(2, limits_.idle_timeout_secs);
  if (purge.step() != SQLITE_DONE) return 0;
  return static_cast<std::size_t>(sqlite3_changes(db_));
}

}  // namespace smg::session
