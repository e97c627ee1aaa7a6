// AuditLog: where audit events go. Every event is appended to (1) stderr through the logger
// (target smg::audit), (2) an optional append-only file and (3) an in-memory ring that
// `GET /admin/audit` reads, with `since` queries and a blocking wait for followers (SSE).
//
// File policy: the file is opened O_APPEND|O_CLOEXEC, mode 0600; each event is one write(2) of one
// line followed by fdatasync(2), so an event the gateway has answered for is on disk. reopen()
// (called on SIGHUP) closes and reopens the path, for logrotate's create mode.
// Thread-safety: all methods are thread-safe.
//
//   smg::audit::AuditLog log({.file_path = "/var/log/smg/audit.log"});
//   log.record(event);
//   auto recent = log.since_sequence(0);
#pragma once

#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/audit/audit_event.h"
#include "common/status.h"

namespace smg::audit {

struct AuditLogOptions {
  bool to_stderr = true;
  std::string file_path;            // empty: no file
  std::size_t ring_capacity = 10000;  // events kept in memory for /admin/audit
};

class AuditLog {
 public:
  explicit AuditLog(AuditLogOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Opens the file; fails with reason "audit_file_unwritable" naming the path.
  Status open();
  Status reopen();

  // Stamps the sequence number and writes to every sink.
  void record(AuditEvent event);
  // Also hands every recorded event (stamped) to `forward`, e.g. the cluster-wide stream
  // (RedisAuditStream::publish, which never blocks). REQUIRES: called before any record().
  void forward_to(std::function<void(const AuditEvent&)> forward) { forward_ = std::move(forward); }

  // Events with sequence > after, oldest first (at most `limit`).
  std::vector<AuditEvent> since_sequence(uint64_t after, std::size_t limit = 10000) const;
  // Events with timestamp >= from_ms, oldest first.
  std::vector<AuditEvent> since_time(int64_t from_ms, std::size_t limit = 10000) const;
  // Blocks until an event with sequence > after exists, or the timeout passes, or shutdown().
  bool wait_for_newer(uint64_t after, std::chrono::milliseconds timeout) const;
  uint64_t last_sequence() const;
  // Wakes every waiter; wait_for_newer() returns false from then on.
  void shutdown();
  bool is_shut_down() const;

 private:
  void write_file_line(const std::string& line);

  AuditLogOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<AuditEvent> ring_;
  uint64_t next_sequence_ = 1;
  bool shut_down_ = false;
  std::function<void(const AuditEvent&)> forward_;
  std::mutex file_mutex_;
  int fd_ = -1;
};

}  // namespace smg::audit
