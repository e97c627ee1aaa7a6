// SqliteConnection: SqlConnection over one sqlite3 handle (see sql_connection.h). Internal to
// server/requestlog.
// Thread-safety: not thread-safe; callers hold the store's lock for this connection.
#pragma once

#include <memory>
#include <string>

#include "server/requestlog/internal/sql_connection.h"

struct sqlite3;

namespace smg::requestlog::internal {

class SqliteConnection : public SqlConnection {
 public:
  // Opens (creating) the file in WAL mode with the request log's pragmas.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path);
  // Wraps a handle the caller keeps owning (migration tests build old files this way).
  explicit SqliteConnection(sqlite3* db, bool owned = false) : db_(db), owned_(owned) {}
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  Status execute(std::string_view script) override;
  Result<SqlRows> query(const std::string& sql, const std::vector<SqlValue>& values) override;
  Result<int64_t> update(const std::string& sql, const std::vector<SqlValue>& values) override;
  Status insert(std::vector<RequestRecord>& records) override;

 private:
  Status error(const std::string& what) const;
  Status insert_locked(std::vector<RequestRecord>& records);

  sqlite3* db_;
  bool owned_;
};

}  // namespace smg::requestlog::internal
