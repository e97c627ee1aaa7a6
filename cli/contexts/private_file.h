// Files that hold smgctl's contexts and secrets: readable by their owner only, replaced atomically
// (temporary file + fsync + rename), and rewritten under an exclusive flock so two smgctl processes
// (a refresh racing a `context use`) never lose each other's update.
// Thread-safety: functions are independent; a FileLock belongs to one thread.
//
//   if (Status s = ensure_private_dir(dir); !s.ok()) return s;
//   FileLock lock = FileLock::acquire(dir + "/.lock");      // held until `lock` dies
//   auto text = read_private_file(dir + "/config.yaml");    // nullopt-like: NotFound when absent
//   write_private_file(dir + "/config.yaml", new_text);
#pragma once

#include <string>

#include "common/status.h"

namespace smg::cli {

// Creates `dir` (and parents) as 0700 when missing; refuses an existing `dir` that others can
// enter or read (reason "insecure_permissions", message naming the folder and `chmod 700`).
Status ensure_private_dir(const std::string& dir);

// The whole file. NotFound (reason "file_missing") when absent; FailedPrecondition (reason
// "insecure_permissions") when group or others have any access, with a one-line message naming
// the file and `chmod 600`.
Result<std::string> read_private_file(const std::string& path);

// Replaces `path` with `content` atomically, mode 0600. REQUIRES: the folder exists.
Status write_private_file(const std::string& path, const std::string& content);

// An exclusive advisory lock (flock) on a lock file, released when destroyed.
class FileLock {
 public:
  static Result<FileLock> acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace smg::cli
