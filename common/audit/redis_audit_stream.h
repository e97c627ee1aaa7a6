// RedisAuditStream: the cluster-wide audit stream (docs/shared-state.md). Every replica XADDs
// its events to one Redis Stream (`<prefix>audit`, trimmed with MAXLEN ~ max_len), so
// `GET /admin/audit` on any replica reads every replica's events in one order: the stream's.
//
// publish() never blocks the request: events wait in a bounded queue (10,000) that a background
// thread writes in batches; while Redis is down they wait there (overflow dropped and counted)
// and are written when it returns. Each entry holds the replica's name and the event's JSON line.
// Readers (the /admin/audit route) block on Redis with a timeout: call them off the I/O threads.
// Stream ids ("1733300000000-0") are the SSE event ids, so Last-Event-ID resumes on any replica.
// Failures: kUnavailable "audit_stream_unavailable".
// Thread-safety: thread-safe.
//
//   RedisAuditStream stream(options, "smg:audit", 100000, "gw-a");
//   audit_log.forward_to([&](const AuditEvent& e) { stream.publish(e); });
//   auto events = stream.after("0", 1000);   // [{id, event JSON with "replica"}]
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/audit/audit_event.h"
#include "common/redis/redis_client.h"
#include "common/status.h"

namespace smg::audit {

struct StreamedEvent {
  std::string id;        // the stream entry id
  nlohmann::json event;  // to_json(event) plus "replica"
};

// A stream id as Redis writes it ("ms-seq") or its bare "ms" form; anything else is refused
// before it reaches Redis.
bool valid_stream_id(const std::string& id);

class RedisAuditStream {
 public:
  RedisAuditStream(redis::ClientOptions options, std::string key, std::size_t max_len,
                   std::string replica);
  ~RedisAuditStream();
  RedisAuditStream(const RedisAuditStream&) = delete;
  RedisAuditStream& operator=(const RedisAuditStream&) = delete;

  void publish(const AuditEvent& event);
  // Entries after `id` ("0": from the oldest kept), oldest first, at most `limit`.
  Result<std::vector<StreamedEvent>> after(const std::string& id, std::size_t limit);
  // Entries from `from_ms` (Unix ms) on.
  Result<std::vector<StreamedEvent>> since_time(int64_t from_ms, std::size_t limit);
  // Waits up to `wait` for entries after `id` (XREAD BLOCK); empty when none came.
  Result<std::vector<StreamedEvent>> wait_after(const std::string& id,
                                                std::chrono::milliseconds wait);
  // Events dropped because the queue was full while Redis was unreachable.
  uint64_t dropped() const { return dropped_.load(); }
  // Waits (at most `deadline`) until every queued event is written; false if some remain.
  bool flush(std::chrono::milliseconds deadline);

 private:
  void write_loop();
  bool write_batch(std::vector<AuditEvent>& batch);

  redis::ClientOptions options_;
  redis::RedisClient writer_;
  redis::RedisClient reader_;  // longer command timeout: XREAD BLOCK waits on it
  std::string key_;
  std::size_t max_len_;
  std::string replica_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<AuditEvent> queue_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::thread writer_thread_;
};

}  // namespace smg::audit
