#include "server/requestlog/store_schema.h"

#include <array>
#include <string>

#include "common/clock/clock.h"
#include "server/requestlog/internal/sql_connection.h"
#include "server/requestlog/internal/sqlite_connection.h"

namespace smg::requestlog {
namespace {

using internal::SqlConnection;

// Append only: a shipped migration never changes, or databases already at that version would
// differ from new ones. (The tokens expand for SQLite to the text these first shipped with.)
constexpr std::array<Migration, 3> kMigrations = {{
    {1, "requests table",
     "CREATE TABLE requests ("
     " seq {pk}, request_id TEXT NOT NULL, ts_ms {int} NOT NULL,"
     " caller_subject TEXT NOT NULL, caller_domain TEXT NOT NULL, auth_method TEXT NOT NULL,"
     " model TEXT NOT NULL, worker TEXT NOT NULL, route TEXT NOT NULL, status {int} NOT NULL,"
     " upstream_status {int} NOT NULL, latency_us {int} NOT NULL, ttfb_us {int} NOT NULL,"
     " stream {int} NOT NULL, prompt_tokens {int}, completion_tokens {int},"
     " total_tokens {int}, error_type TEXT NOT NULL);"},
    {2, "client address and captured content",
     "ALTER TABLE requests ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE content ("
     " seq {int} PRIMARY KEY REFERENCES requests(seq) ON DELETE CASCADE,"
     " request_body {blob} NOT NULL, response_body {blob} NOT NULL,"
     " request_truncated {int} NOT NULL, response_truncated {int} NOT NULL,"
     " captured_at_ms {int} NOT NULL, expires_at_ms {int} NOT NULL);"
     "CREATE INDEX content_expiry ON content(expires_at_ms);"},
    {3, "indexes for report queries",
     "CREATE INDEX requests_time ON requests(ts_ms);"
     "CREATE INDEX requests_domain_time ON requests(caller_domain, ts_ms);"
     "CREATE INDEX requests_request_id ON requests(request_id);"},
}};

Status schema_error(const Status& cause, const std::string& what) {
  return unavailable("request_log_unavailable", "Request log: " + what + ": " + cause.message());
}

Status apply(SqlConnection& db, const Migration& migration) {
  SqlDialect dialect = db.dialect();
  if (Status begun = db.execute(begin_write_sql(dialect)); !begun.ok()) {
    return schema_error(begun, "cannot begin a migration");
  }
  Status done = db.execute(dialect_sql(migration.sql, dialect));
  if (done.ok()) {
    auto recorded = db.update("INSERT INTO schema_migrations VALUES ($1, $2, $3)",
                              {int64_t{migration.version}, std::string(migration.description),
                               unix_now_ms()});
    done = recorded.status();
  }
  if (!done.ok()) {
    db.execute("ROLLBACK");
    return schema_error(done, "migration " + std::to_string(migration.version) + " failed");
  }
  if (Status committed = db.execute("COMMIT"); !committed.ok()) {
    return schema_error(committed, "cannot commit a migration");
  }
  return Status::ok_status();
}

Status migrate_locked(SqlConnection& db, int up_to) {
  std::string table = dialect_sql(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
      " description TEXT NOT NULL, applied_at_ms {int} NOT NULL)",
      db.dialect());
  if (Status created = db.execute(table); !created.ok()) {
    return schema_error(created, "cannot create schema_migrations");
  }
  int current = schema_version(db);
  if (current < 0) {
    return unavailable("request_log_unavailable", "Request log: cannot read the schema version");
  }
  if (current > kLatestSchemaVersion) {
    return unavailable("request_log_unavailable",
                       "Request log: schema version " + std::to_string(current) +
                           " is newer than this gateway's " +
                           std::to_string(kLatestSchemaVersion));
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current || migration.version > up_to) continue;
    if (Status applied = apply(db, migration); !applied.ok()) return applied;
  }
  return Status::ok_status();
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int schema_version(SqlConnection& db) {
  auto version = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  if (!version.ok() || version->empty()) return -1;
  return static_cast<int>(version->front().integer(0));
}

// The lock is taken before schema_migrations is created: PostgreSQL's CREATE TABLE IF NOT EXISTS
// is not safe against a concurrent twin.
Status migrate(SqlConnection& db, int up_to) {
  std::string lock = lock_sql(db.dialect(), ClusterLock::kMigration);
  if (!lock.empty()) {
    if (Status locked = db.execute(lock); !locked.ok()) {
      return schema_error(locked, "cannot take the migration lock");
    }
  }
  Status migrated = migrate_locked(db, up_to);
  if (!lock.empty()) db.execute(unlock_sql(db.dialect(), ClusterLock::kMigration));
  return migrated;
}

Status migrate(sqlite3* db, int up_to) {
  internal::SqliteConnection connection(db);
  return migrate(connection, up_to);
}

int schema_version(sqlite3* db) {
  internal::SqliteConnection connection(db);
  return schema_version(connection);
}

}  // namespace smg::requestlog
