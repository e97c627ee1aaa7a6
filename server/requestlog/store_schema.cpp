#include "server/requestlog/store_schema.h"

#include <sqlite3.h>

#include <array>
#include <string>

#include "common/clock/clock.h"
#include "server/requestlog/internal/sqlite_statement.h"

namespace smg::requestlog {
namespace {

using internal::Statement;

// Append only: a shipped migration never changes, or files already at that version would differ
// from new ones.
constexpr std::array<Migration, 3> kMigrations = {{
    {1, "requests table",
     "CREATE TABLE requests ("
     " seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, ts_ms INTEGER NOT NULL,"
     " caller_subject TEXT NOT NULL, caller_domain TEXT NOT NULL, auth_method TEXT NOT NULL,"
     " model TEXT NOT NULL, worker TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL,"
     " upstream_status INTEGER NOT NULL, latency_us INTEGER NOT NULL, ttfb_us INTEGER NOT NULL,"
     " stream INTEGER NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,"
     " total_tokens INTEGER, error_type TEXT NOT NULL);"},
    {2, "client address and captured content",
     "ALTER TABLE requests ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE content ("
     " seq INTEGER PRIMARY KEY REFERENCES requests(seq) ON DELETE CASCADE,"
     " request_body BLOB NOT NULL, response_body BLOB NOT NULL,"
     " request_truncated INTEGER NOT NULL, response_truncated INTEGER NOT NULL,"
     " captured_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL);"
     "CREATE INDEX content_expiry ON content(expires_at_ms);"},
    {3, "indexes for report queries",
     "CREATE INDEX requests_time ON requests(ts_ms);"
     "CREATE INDEX requests_domain_time ON requests(caller_domain, ts_ms);"
     "CREATE INDEX requests_request_id ON requests(request_id);"},
}};

Status schema_error(sqlite3* db, const std::string& what) {
  return unavailable("request_log_unavailable",
                     "Request log: " + what + ": " + sqlite3_errmsg(db));
}

Status apply(sqlite3* db, const Migration& migration) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return schema_error(db, "cannot begin a migration");
  }
  bool ok = sqlite3_exec(db, migration.sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  if (ok) {
    Statement record(db, "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)");
    record.bind(1, int64_t{migration.version});
    record.bind(2, std::string_view(migration.description));
    record.bind(3, unix_now_ms());
    ok = record.ok() && record.step() == SQLITE_DONE;
  }
  if (!ok) {
    Status failed = schema_error(db, "migration " + std::to_string(migration.version) + " failed");
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return failed;
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return schema_error(db, "cannot commit a migration");
  }
  return Status::ok_status();
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int schema_version(sqlite3* db) {
  Statement version(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!version.ok() || version.step() != SQLITE_ROW) return -1;
  return static_cast<int>(version.integer(0));
}

Status migrate(sqlite3* db, int up_to) {
  const char* table =
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
      " description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)";
  if (sqlite3_exec(db, table, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return schema_error(db, "cannot create schema_migrations");
  }
  int current = schema_version(db);
  if (current < 0) return schema_error(db, "cannot read the schema version");
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

}  // namespace smg::requestlog
