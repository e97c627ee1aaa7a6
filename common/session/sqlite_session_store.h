// SqliteSessionStore: sessions in a SQLite file (WAL mode) so they survive a gateway restart.
// Rows are keyed by SHA-256(id); the file is created 0600. A `schema_version` table records the
// layout; opening a file with an unknown (newer) version fails instead of guessing.
// Thread-safety: thread-safe (one connection behind a mutex; sessions are low-traffic).
//
//   auto store = SqliteSessionStore::open(data_dir + "/sessions.db", limits, clock);
//   if (!store.ok()) ...   // reason "session_store_unavailable"
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock/clock.h"
#include "common/session/session_store.h"

struct sqlite3;

namespace smg::session {

class SqliteSessionStore final : public SessionStore {
 public:
  // REQUIRES: `clock` outlives the store.
  static Result<std::unique_ptr<SqliteSessionStore>> open(const std::string& path,
                                                          SessionLimits limits,
                                                          const Clock& clock);
  ~SqliteSessionStore() override;
  SqliteSessionStore(const SqliteSessionStore&) = delete;
  SqliteSessionStore& operator=(const SqliteSessionStore&) = delete;

  Result<std::string> create(Session session) override;
  Result<Session> get(std::string_view id) override;
  Status remove(std::string_view id) override;
  std::size_t purge_expired() override;

 private:
  SqliteSessionStore(sqlite3* db, SessionLimits limits, const Clock& clock);
  Status exec(const char* sql);
  Status remove_key_locked(const std::string& key);

  sqlite3* db_;
  SessionLimits limits_;
  const Clock& clock_;
  std::mutex mutex_;
};

}  // namespace smg::session
