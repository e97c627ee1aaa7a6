#include "cli/shell/history_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/state/state_dir.h"

namespace smg::cli::shell {
namespace {

Status unavailable_at(const std::string& path, int error) {
  return internal_error("history_unavailable",
                        "shell history disabled: " + path + ": " + std::strerror(error));
}

// mkdir -p with 0700 for every folder it creates; our own last folder is tightened to 0700.
Status make_private_dirs(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return unavailable_at(prefix, errno);
    }
    if (slash == std::string::npos) {
      break;
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    return unavailable_at(dir, errno);
  }
  if ((info.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return unavailable_at(dir, errno);
  }
  return Status();
}

}  // namespace

Result<std::string> history_path() {
  auto dir = smgctl_state_dir();
  if (!dir.ok()) return internal_error("no_home", "shell history disabled: " + dir.status().message());
  return *dir + "/history";
}

Result<std::string> prepare_history_file() {
  auto path = history_path();
  if (!path.ok()) {
    return path.status();
  }
  std::string dir = path->substr(0, path->rfind('/'));
  if (Status status = make_private_dirs(dir); !status.ok()) {
    return status;
  }
  int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return unavailable_at(*path, errno);
  }
  int error = ::fchmod(fd, 0600) == 0 ? 0 : errno;
  ::close(fd);
  if (error != 0) {
    return unavailable_at(*path, error);
  }
  return path;
}

}  // namespace smg::cli::shell
