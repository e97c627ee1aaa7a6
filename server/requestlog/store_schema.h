// The request log's SQLite schema as an ordered list of migrations. The file records what it has
// applied in `schema_migrations` (version, description, applied_at_ms); opening a file runs the
// missing ones in order, each in its own transaction, and refuses a file written by a newer
// gateway instead of guessing at its layout.
// Thread-safety: call with the connection to yourself (start-up).
//
//   if (Status s = migrate(db); !s.ok()) ...       // reason "request_log_unavailable"
//   int version = schema_version(db);              // kLatestSchemaVersion after migrate
#pragma once

#include <cstddef>
#include <span>

#include "common/status.h"

struct sqlite3;

namespace smg::requestlog {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Every migration, oldest first; versions are 1, 2, 3, ...
std::span<const Migration> migrations();
inline constexpr int kLatestSchemaVersion = 3;

// Applies migrations with version <= up_to that the file lacks (tests build old files with a
// smaller up_to).
Status migrate(sqlite3* db, int up_to = kLatestSchemaVersion);
// The highest applied version; 0 for a new file, -1 when it cannot be read.
int schema_version(sqlite3* db);

}  // namespace smg::requestlog
