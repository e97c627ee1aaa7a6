#include "common/os/open_files_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/log/logger.h"

namespace smg::os {
namespace {

std::uint64_t from_rlim(rlim_t value) {
  return value == RLIM_INFINITY ? kUnlimited : static_cast<std::uint64_t>(value);
}

rlim_t to_rlim(std::uint64_t value) {
  return value == kUnlimited ? RLIM_INFINITY : static_cast<rlim_t>(value);
}

// fs.nr_open, or the kernel's default (1 << 20) when it cannot be read.
std::uint64_t read_nr_open() {
  std::ifstream file("/proc/sys/fs/nr_open");
  std::uint64_t value = 0;
  if (file >> value && value > 0) return value;
  return 1u << 20;
}

Status rlimit_failed(const char* call) {
  return unavailable("rlimit_failed", std::string(call) + "(RLIMIT_NOFILE): " + std::strerror(errno));
}

}  // namespace

std::uint64_t wanted_soft_limit(std::uint64_t hard, std::uint64_t nr_open) {
  return hard == kUnlimited ? nr_open : hard;
}

Result<OpenFilesLimit> raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return rlimit_failed("getrlimit");
  OpenFilesLimit result;
  result.soft_before = from_rlim(limit.rlim_cur);
  result.hard_before = from_rlim(limit.rlim_max);
  std::uint64_t nr_open = result.hard_before == kUnlimited ? read_nr_open() : 0;
  std::uint64_t wanted = wanted_soft_limit(result.hard_before, nr_open);
  if (result.soft_before != kUnlimited && result.soft_before < wanted) {
    limit.rlim_cur = to_rlim(wanted);
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return rlimit_failed("setrlimit");
  }
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return rlimit_failed("getrlimit");
  result.soft_after = from_rlim(limit.rlim_cur);
  result.hard_after = from_rlim(limit.rlim_max);
  return result;
}

void raise_and_log_open_files_limit() { log_open_files_limit(raise_open_files_limit()); }

void log_open_files_limit(const Result<OpenFilesLimit>& limit) {
  if (!limit.ok()) {
    log::warn("smg::server", "cannot raise the open files limit",
              {{"error", limit.status().message()}});
    return;
  }
  log::info("smg::server", "open files limit",
            {{"soft_before", limit_text(limit->soft_before)},
             {"hard_before", limit_text(limit->hard_before)},
             {"soft", limit_text(limit->soft_after)},
             {"hard", limit_text(limit->hard_after)}});
}

std::string limit_text(std::uint64_t limit) {
  return limit == kUnlimited ? "unlimited" : std::to_string(limit);
}

}  // namespace smg::os
