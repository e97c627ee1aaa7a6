// RequestLogWriter: gets records off the request path. submit() appends to a bounded in-memory
// queue and returns at once; one writer thread drains it in batches, each batch one SQLite
// transaction. The writer lets records gather for up to `linger` after the first one arrives (or
// until a batch is full), so a busy gateway commits a few times a second, not once per request.
// When the queue is full the record is dropped and counted (smg_request_log_dropped_total): the
// log never blocks or fails a request. When the database is unreachable (PostgreSQL restarting),
// the batch in hand is retried (smg_request_log_retries_total) and new records wait in the queue
// until it returns; the batch counts against queue_size. The same thread runs the
// content-capture retention purge on a timer.
// Thread-safety: submit() from any thread; start/stop/flush from one owner.
//
//   RequestLogWriter writer(store, {.queue_size = 10000}, metrics);
//   writer.start();
//   writer.submit(std::move(record));     // never blocks
//   writer.stop();                        // writes what is queued, then joins
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "server/metrics/metrics.h"
#include "server/requestlog/request_log_store.h"

namespace smg::requestlog {

struct WriterOptions {
  std::size_t queue_size = 10000;  // server.request_log.queue_size
  std::size_t batch_size = 512;    // records per transaction at most
  // How long the first queued record waits for others before a batch is written; flush() and
  // stop() cut it short.
  std::chrono::milliseconds linger{50};
  // Retention purge of captured content; zero: never on a timer.
  std::chrono::milliseconds purge_interval{std::chrono::minutes(10)};
  // Between attempts to write a batch while the database is unreachable.
  std::chrono::milliseconds retry_delay{200};
  // How long stop() keeps retrying for an unreachable database before counting what is left as
  // failed (smg_request_log_failed_total).
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(5)};
};

class RequestLogWriter {
 public:
  // REQUIRES: `store` and `metrics` outlive the writer.
  RequestLogWriter(RequestLogStore& store, WriterOptions options, metrics::Registry& metrics);
  ~RequestLogWriter();
  RequestLogWriter(const RequestLogWriter&) = delete;
  RequestLogWriter& operator=(const RequestLogWriter&) = delete;

  void start();
  // Writes everything still queued, then joins the thread. Later submits are dropped.
  void stop();

  // False when the record was dropped (queue full or stopped).
  bool submit(RequestRecord record);
  // Blocks until every record submitted before the call is written (or dropped on error); while
  // the database is unreachable, until it returns.
  void flush();

  uint64_t written() const { return written_.value(); }
  uint64_t dropped() const { return dropped_.value(); }
  uint64_t commits() const { return commits_.value(); }
  uint64_t retries() const { return retries_.value(); }
  std::size_t queued() const;

 private:
  void run();
  void write_batch(std::vector<RequestRecord>& batch);
  void purge_if_due(std::chrono::steady_clock::time_point& next_purge);
  bool give_up() const;

  RequestLogStore& store_;
  WriterOptions options_;
  metrics::Counter& written_;
  metrics::Counter& dropped_;
  metrics::Counter& failed_;
  metrics::Counter& commits_;
  metrics::Counter& purged_;
  metrics::Counter& retries_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;      // records queued, or stop
  std::condition_variable drained_;   // a batch finished
  std::deque<RequestRecord> queue_;
  std::size_t in_flight_ = 0;  // records taken from the queue, not yet written
  std::chrono::steady_clock::time_point stop_deadline_{};
  uint64_t submitted_ = 0;  // records accepted into the queue
  uint64_t finished_ = 0;   // of those, written or failed
  uint64_t flush_target_ = 0;  // a flush() waits for records up to here: write them at once
  bool stopping_ = false;
  bool accepting_ = true;
  std::thread thread_;
};

}  // namespace smg::requestlog
