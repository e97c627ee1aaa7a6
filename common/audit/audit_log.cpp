#include "common/audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/log/logger.h"

namespace smg::audit {

AuditLog::AuditLog(AuditLogOptions options) : options_(std::move(options)) {}

AuditLog::~AuditLog() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

Status AuditLog::open() {
  if (options_.file_path.empty()) {
    return Status::ok_status();
  }
  int fd = ::open(options_.file_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(Code::kFailedPrecondition, "audit_file_unwritable",
                  "cannot open audit log file " + options_.file_path);
  }
  std::lock_guard<std::mutex> lock(file_mutex_);
  if (fd_ >= 0) {
    ::close(fd_);
  }
  fd_ = fd;
  return Status::ok_status();
}

Status AuditLog::reopen() { return open(); }

void AuditLog::write_file_line(const std::string& line) {
  std::lock_guard<std::mutex> lock(file_mutex_);
  if (fd_ < 0) {
    return;
  }
  std::string data = line + "\n";
  const char* cursor = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, cursor, left);
    if (n <= 0) {
      log::error("smg::audit", "audit file write failed", {{"path", options_.file_path}});
      return;
    }
    cursor += n;
    left -= static_cast<std::size_t>(n);
  }
  ::fdatasync(fd_);
}

void AuditLog::record(AuditEvent event) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    event.sequence = next_sequence_++;
    ring_.push_back(event);
    if (ring_.size() > options_.ring_capacity) {
      ring_.pop_front();
    }
  }
  changed_.notify_all();
  std::string line = to_json_line(event);
  if (options_.to_stderr) {
    log::write_raw_json(log::Level::kInfo, line);
  }
  write_file_line(line);
  if (forward_) forward_(event);
}

std::vector<AuditEvent> AuditLog::since_sequence(uint64_t after, std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<AuditEvent> out;
  for (const auto& event : ring_) {
    if (event.sequence > after && out.size() < limit) {
      out.push_back(event);
    }
  }
  return out;
}

std::vector<AuditEvent> AuditLog::since_time(int64_t from_ms, std::size_t limit) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<AuditEvent> out;
  for (const auto& event : ring_) {
    if (event.timestamp_ms >= from_ms && out.size() < limit) {
      out.push_back(event);
    }
  }
  return out;
}

bool AuditLog::wait_for_newer(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout,
                           [&] { return shut_down_ || next_sequence_ - 1 > after; }) &&
         !shut_down_;
}

uint64_t AuditLog::last_sequence() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_sequence_ - 1;
}

void AuditLog::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
  }
  changed_.notify_all();
}

}  // namespace smg::audit

namespace smg::audit {

bool AuditLog::is_shut_down() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return shut_down_;
}

}  // namespace smg::audit
