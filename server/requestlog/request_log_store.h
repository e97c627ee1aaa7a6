// RequestLogStore: the request log in a SQLite file (WAL mode, created 0600, schema migrated on
// open, see store_schema.h). Two connections: the writer's (batch inserts, content deletion and
// purges) and the readers' (report queries), so reports never wait behind a batch and WAL lets
// both run at once.
// Thread-safety: thread-safe; each connection is used under its own mutex.
//
//   auto store = RequestLogStore::open(data_dir + "/request_log.db");
//   if (!store.ok()) ...                      // reason "request_log_unavailable"
//   (*store)->insert(batch);                  // one transaction
//   auto page = (*store)->list(filter);       // newest first
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/requestlog/record_filter.h"
#include "server/requestlog/request_record.h"

struct sqlite3;

namespace smg::requestlog {

class RequestLogStore {
 public:
  static Result<std::unique_ptr<RequestLogStore>> open(const std::string& path);
  ~RequestLogStore();
  RequestLogStore(const RequestLogStore&) = delete;
  RequestLogStore& operator=(const RequestLogStore&) = delete;

  // Inserts every record (and its captured content) in one transaction; assigns `seq`.
  Status insert(std::vector<RequestRecord>& records);

  // Newest first, at most filter.limit rows; content is not loaded.
  Result<std::vector<RequestRecord>> list(const RecordFilter& filter);
  // The newest record with this id inside `domains`; nullopt when there is none.
  Result<std::optional<RequestRecord>> find(const std::string& request_id,
                                            const std::vector<std::string>& domains);
  // The newest record with this id in any domain (content maintenance decides by its domain).
  Result<std::optional<RequestRecord>> find_any(const std::string& request_id);
  Result<std::optional<CapturedContent>> content(int64_t seq);

  // Removes the captured content of one record; false when it had none.
  Result<bool> delete_content(int64_t seq);
  // Removes content whose retention ended at or before now_ms, in `domains` only unless null.
  Result<int64_t> purge_expired_content(int64_t now_ms,
                                        const std::vector<std::string>* domains = nullptr);

  // Runs `query` with the reader connection locked (report_queries.cpp).
  void read(const std::function<void(sqlite3*)>& query);
  int schema_version();

 private:
  RequestLogStore(sqlite3* writer, sqlite3* reader) : writer_(writer), reader_(reader) {}
  Status insert_locked(std::vector<RequestRecord>& records);
  Result<std::optional<RequestRecord>> find_where(const std::string& sql,
                                                  const std::vector<SqlValue>& values);

  sqlite3* writer_;
  sqlite3* reader_;
  std::mutex writer_mutex_;
  std::mutex reader_mutex_;
};

// Binds SqlWhere values to ?1.. of a statement; shared with report_queries.cpp.
namespace internal {
class Statement;
void bind_all(Statement& statement, const std::vector<SqlValue>& values, int first = 1);
// The record columns in select order, and a row read back.
extern const char* const kRecordColumns;
RequestRecord record_from_row(const Statement& row);
}  // namespace internal

}  // namespace smg::requestlog
