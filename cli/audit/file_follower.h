// FileFollower: `tail -F` for a local audit log. Each poll() returns the complete lines appended
// since the last one; when logrotate moves the file away (the path's inode changes) the rest of
// the old file is read first and then the new file from its start, and when the file shrinks
// (copytruncate) reading restarts at its beginning. A missing file is waited for, not an error.
// Thread-safety: one thread per follower.
//
//   FileFollower follower(path);
//   for (;;) { for (auto& line : *follower.poll()) print(line); sleep(200ms); }
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace smg::cli {

class FileFollower {
 public:
  explicit FileFollower(std::string path) : path_(std::move(path)) {}
  ~FileFollower();
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  // Complete lines (without "\n") available now. Fails only on a read error.
  Result<std::vector<std::string>> poll();

 private:
  bool reopen_if_rotated();
  Status drain(std::vector<std::string>& lines);

  std::string path_;
  int fd_ = -1;
  ino_t inode_ = 0;
  dev_t device_ = 0;
  off_t offset_ = 0;
  std::string partial_;
};

}  // namespace smg::cli
