#include "cli/audit/file_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace smg::cli {
namespace {

constexpr std::size_t kMaxLineBytes = 1 << 20;

}  // namespace

FileFollower::~FileFollower() {
  if (fd_ >= 0) ::close(fd_);
}

// True when the path now names a different file than the open one (or none was open and now
// one exists); the caller drains the old descriptor first.
bool FileFollower::reopen_if_rotated() {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) return false;  // moved away, not yet recreated
  if (fd_ >= 0 && info.st_ino == inode_ && info.st_dev == device_) {
    if (info.st_size < offset_) {  // truncated in place
      offset_ = 0;
      partial_.clear();
    }
    return false;
  }
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat opened {};
  ::fstat(fd, &opened);
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  inode_ = opened.st_ino;
  device_ = opened.st_dev;
  offset_ = 0;
  partial_.clear();
  return true;
}

Status FileFollower::drain(std::vector<std::string>& lines) {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::pread(fd_, buffer, sizeof buffer, offset_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unavailable("file_io_failed", path_ + ": " + std::strerror(errno));
    if (n == 0) return {};
    offset_ += n;
    partial_.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end; (end = partial_.find('\n', start)) != std::string::npos;
         start = end + 1) {
      lines.push_back(partial_.substr(start, end - start));
    }
    partial_.erase(0, start);
    if (partial_.size() > kMaxLineBytes) partial_.clear();  // no line is that long: drop it
  }
}

Result<std::vector<std::string>> FileFollower::poll() {
  std::vector<std::string> lines;
  if (fd_ >= 0) {
    // Whatever the old file still holds comes before the new file's lines.
    if (Status drained = drain(lines); !drained.ok()) return drained;
  }
  if (reopen_if_rotated() || fd_ >= 0) {
    if (Status drained = drain(lines); !drained.ok()) return drained;
  }
  return lines;
}

}  // namespace smg::cli
