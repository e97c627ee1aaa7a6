#include "server/requestlog/sql_dialect.h"

namespace smg::requestlog {
namespace {

struct Token {
  std::string_view name;
  std::string_view sqlite;
  std::string_view postgres;
};

// SQLite's INTEGER is already 64-bit; PostgreSQL's is 32-bit, and ts_ms or latency_us overflow it.
constexpr Token kTokens[] = {
    {"{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
    {"{int}", "INTEGER", "BIGINT"},
    {"{blob}", "BLOB", "BYTEA"},
};

std::string key_of(ClusterLock lock) { return std::to_string(static_cast<int64_t>(lock)); }

}  // namespace

std::string dialect_sql(std::string_view sql, SqlDialect dialect) {
  std::string out;
  out.reserve(sql.size() + 64);
  std::size_t at = 0;
  while (at < sql.size()) {
    bool replaced = false;
    if (sql[at] == '{') {
      for (const Token& token : kTokens) {
        if (sql.substr(at, token.name.size()) != token.name) continue;
        out += dialect == SqlDialect::kSqlite ? token.sqlite : token.postgres;
        at += token.name.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += sql[at++];
  }
  return out;
}

const char* begin_write_sql(SqlDialect dialect) {
  // IMMEDIATE takes SQLite's write lock at once, so two writers wait on the busy timeout instead
  // of failing halfway through.
  return dialect == SqlDialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
}

std::string lock_sql(SqlDialect dialect, ClusterLock lock) {
  if (dialect == SqlDialect::kSqlite) return "";
  return "SELECT pg_advisory_lock(" + key_of(lock) + ")";
}

std::string unlock_sql(SqlDialect dialect, ClusterLock lock) {
  if (dialect == SqlDialect::kSqlite) return "";
  return "SELECT pg_advisory_unlock(" + key_of(lock) + ")";
}

std::string transaction_lock_sql(SqlDialect dialect, ClusterLock lock, bool wait) {
  if (dialect == SqlDialect::kSqlite) return "SELECT 1";
  if (wait) return "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + key_of(lock) + ")) AS l";
  return "SELECT CASE WHEN pg_try_advisory_xact_lock(" + key_of(lock) + ") THEN 1 ELSE 0 END";
}

}  // namespace smg::requestlog
