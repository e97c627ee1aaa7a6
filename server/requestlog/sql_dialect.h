// SqlDialect: every difference between the request log's SQLite and PostgreSQL SQL, in one place.
// Migrations and queries are written once; the few spots where the engines disagree go through
// here: column types in DDL (tokens {pk}, {int}, {blob}), how a write transaction begins, and the
// locks that keep replicas sharing one PostgreSQL from migrating or purging at the same time
// (SQLite has one writer per file, so its locks are no-ops).
// Thread-safety: pure functions.
//
//   std::string ddl = dialect_sql("CREATE TABLE t (id {pk}, n {int})", SqlDialect::kPostgres);
//   // "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, n BIGINT)"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smg::requestlog {

enum class SqlDialect { kSqlite, kPostgres };

// What a replica-wide lock protects. The values are PostgreSQL advisory-lock keys: fixed, so
// every gateway version agrees on them.
enum class ClusterLock : int64_t {
  kMigration = 0x736d67'0001,  // "smg" 1
  kPurge = 0x736d67'0002,
};

// Replaces the type tokens: {pk} the auto-numbered primary key, {int} a 64-bit integer, {blob}
// bytes. For SQLite the result is the text the first shipped migrations had.
std::string dialect_sql(std::string_view sql, SqlDialect dialect);

// The statement that starts a write transaction.
const char* begin_write_sql(SqlDialect dialect);

// Session lock held across statements (migrations): blocks until granted. Empty for SQLite.
std::string lock_sql(SqlDialect dialect, ClusterLock lock);
std::string unlock_sql(SqlDialect dialect, ClusterLock lock);
// Inside a transaction: one row, 1 when this replica got the lock (released at commit), 0 when
// another replica holds it. `wait` blocks instead of answering 0. Always 1 for SQLite.
std::string transaction_lock_sql(SqlDialect dialect, ClusterLock lock, bool wait);

}  // namespace smg::requestlog
