#include "cli/contexts/private_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace smg::cli {
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Status io_error(const std::string& what, const std::string& path) {
  return unavailable("file_io_failed", what + " " + path + ": " + std::strerror(errno));
}

Status insecure(const std::string& path, mode_t mode, const char* fix) {
  return Status(Code::kFailedPrecondition, "insecure_permissions",
                path + " is accessible by other users (mode " + octal_mode(mode) + "); run `" +
                    fix + " " + path + "`");
}

bool write_all(int fd, const std::string& content) {
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// Makes the rename itself durable, so a crash cannot bring back the old file.
void sync_folder(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Status ensure_private_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::path folder(dir);
  if (!std::filesystem::exists(folder, error)) {
    std::filesystem::create_directories(folder.parent_path(), error);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return io_error("cannot create", dir);
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return io_error("cannot read", dir);
  if (!S_ISDIR(info.st_mode)) {
    return Status(Code::kFailedPrecondition, "not_a_folder", dir + " is not a folder");
  }
  if ((info.st_mode & 077) != 0) return insecure(dir, info.st_mode, "chmod 700");
  return {};
}

Result<std::string> read_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return not_found("file_missing", path + " does not exist");
    return io_error("cannot open", path);
  }
  // fstat on the opened file: the mode checked is the mode of the bytes read.
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return io_error("cannot read", path);
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return insecure(path, info.st_mode, "chmod 600");
  }
  std::string content;
  std::vector<char> buffer(8192);
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error("cannot read", path);
    }
    if (n == 0) break;
    content.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

Status write_private_file(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(temp.data());  // created 0600
  if (fd < 0) return io_error("cannot create a temporary file beside", path);
  bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, content) && ::fsync(fd) == 0;
  if (::close(fd) != 0) written = false;
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    Status status = io_error("cannot write", path);
    ::unlink(temp.c_str());
    return status;
  }
  sync_folder(path);
  return {};
}

Result<FileLock> FileLock::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error("cannot open the lock file", path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      Status status = io_error("cannot lock", path);
      ::close(fd);
      return status;
    }
  }
  return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace smg::cli
