// The request log's schema as an ordered list of migrations, written once for SQLite and
// PostgreSQL (type tokens, see sql_dialect.h). The database records what it has applied in
// `schema_migrations` (version, description, applied_at_ms); opening it runs the missing ones in
// order, each in its own transaction, and refuses a database written by a newer gateway instead
// of guessing at its layout. On PostgreSQL the whole run holds an advisory lock, so replicas
// starting at once migrate one after the other: the first applies, the rest find nothing to do.
// Thread-safety: call with the connection to yourself (start-up).
//
//   if (Status s = migrate(connection); !s.ok()) ...   // reason "request_log_unavailable"
//   int version = schema_version(connection);          // kLatestSchemaVersion after migrate
#pragma once

#include <cstddef>
#include <span>

#include "common/status.h"

struct sqlite3;

namespace smg::requestlog {

namespace internal {
class SqlConnection;
}

struct Migration {
  int version;
  const char* description;
  const char* sql;  // with dialect tokens
};

// Every migration, oldest first; versions are 1, 2, 3, ...
std::span<const Migration> migrations();
inline constexpr int kLatestSchemaVersion = 3;

// Applies migrations with version <= up_to that the database lacks (tests build old databases
// with a smaller up_to).
Status migrate(internal::SqlConnection& connection, int up_to = kLatestSchemaVersion);
// The highest applied version; 0 for a new database, -1 when it cannot be read.
int schema_version(internal::SqlConnection& connection);

// The same on a bare SQLite handle.
Status migrate(sqlite3* db, int up_to = kLatestSchemaVersion);
int schema_version(sqlite3* db);

}  // namespace smg::requestlog
