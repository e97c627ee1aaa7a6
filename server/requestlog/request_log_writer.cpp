#include "server/requestlog/request_log_writer.h"

#include <algorithm>

#include "common/clock/clock.h"
#include "common/log/logger.h"
#include "common/thread/thread_name.h"

namespace smg::requestlog {

RequestLogWriter::RequestLogWriter(RequestLogStore& store, WriterOptions options,
                                   metrics::Registry& metrics)
    : store_(store), options_(options),
      written_(metrics.counter("smg_request_log_written_total",
                               "Request-log records written to the store")),
      dropped_(metrics.counter("smg_request_log_dropped_total",
                               "Request-log records dropped because the queue was full")),
      failed_(metrics.counter("smg_request_log_failed_total",
                              "Request-log records lost to a store error")),
      commits_(metrics.counter("smg_request_log_commits_total",
                               "Request-log transactions committed (one per written batch)")),
      purged_(metrics.counter("smg_content_capture_purged_total",
                              "Captured request/response bodies removed by retention")),
      retries_(metrics.counter("smg_request_log_retries_total",
                               "Request-log batches retried because the database was unreachable")) {}

RequestLogWriter::~RequestLogWriter() { stop(); }

void RequestLogWriter::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    set_thread_name("smg-reqlog");
    run();
  });
}

void RequestLogWriter::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    accepting_ = false;
    if (!stopping_) stop_deadline_ = std::chrono::steady_clock::now() + options_.stop_timeout;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RequestLogWriter::submit(RequestRecord record) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The batch being written counts: while the database is away it waits with the queue.
    if (accepting_ && queue_.size() + in_flight_ < options_.queue_size) {
      queue_.push_back(std::move(record));
      ++submitted_;
      if (queue_.size() == 1 || queue_.size() == options_.batch_size) wake_.notify_one();
      return true;
    }
  }
  dropped_.inc();
  return false;
}

void RequestLogWriter::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t target = submitted_;
  flush_target_ = std::max(flush_target_, target);
  wake_.notify_all();
  drained_.wait(lock, [&] { return finished_ >= target || !thread_.joinable(); });
}

std::size_t RequestLogWriter::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void RequestLogWriter::run() {
  auto next_purge = std::chrono::steady_clock::now();
  std::vector<RequestRecord> batch;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    auto ready = [&] { return stopping_ || !queue_.empty(); };
    if (options_.purge_interval.count() > 0) {
      wake_.wait_until(lock, next_purge, ready);
    } else {
      wake_.wait(lock, ready);
    }
    // Let a batch gather: one transaction (and WAL write) per `linger`, not per request.
    auto full = [&] {
      return stopping_ || queue_.size() >= options_.batch_size || flush_target_ > finished_;
    };
    if (!queue_.empty() && options_.linger.count() > 0) {
      wake_.wait_for(lock, options_.linger, full);
    }
    bool stop_now = stopping_ && queue_.empty();
    std::size_t take = std::min(queue_.size(), options_.batch_size);
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    in_flight_ = take;
    lock.unlock();
    write_batch(batch);
    if (options_.purge_interval.count() > 0) purge_if_due(next_purge);
    lock.lock();
    in_flight_ = 0;
    finished_ += take;
    drained_.notify_all();
    if (stop_now) break;
  }
}

// An unreachable database (PostgreSQL restarting) keeps the batch: it is retried every
// retry_delay until it is written, or until stop() has waited stop_timeout for it.
void RequestLogWriter::write_batch(std::vector<RequestRecord>& batch) {
  if (batch.empty()) return;
  Status written = store_.insert(batch);
  while (!written.ok() && written.reason() == internal::kUnreachable && !give_up()) {
    retries_.inc();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      bool was_stopping = stopping_;
      wake_.wait_for(lock, options_.retry_delay, [&] { return stopping_ != was_stopping; });
    }
    written = store_.insert(batch);
  }
  if (written.ok()) {
    written_.inc(batch.size());
    commits_.inc();
  } else {
    failed_.inc(batch.size());
    log::error("smg::request_log", "cannot write request records",
               {{"records", std::to_string(batch.size())}, {"reason", written.message()}});
  }
  batch.clear();
}

bool RequestLogWriter::give_up() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_ && std::chrono::steady_clock::now() >= stop_deadline_;
}

void RequestLogWriter::purge_if_due(std::chrono::steady_clock::time_point& next_purge) {
  auto now = std::chrono::steady_clock::now();
  if (now < next_purge) return;
  next_purge = now + options_.purge_interval;
  auto purged = store_.purge_expired_content(unix_now_ms());
  if (purged.ok()) {
    purged_.inc(static_cast<uint64_t>(*purged));
  } else {
    log::error("smg::request_log", "content retention purge failed",
               {{"reason", purged.status().message()}});
  }
}

}  // namespace smg::requestlog
