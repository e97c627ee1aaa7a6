// The open-files limit (RLIMIT_NOFILE), raised once at start-up. Every connection costs the
// gateway a descriptor, and the soft limit most shells and service managers hand out (1024) is far
// below what a gateway holds open; the hard limit is what the administrator allows. So `smgctl
// serve` and `smgctl dev-worker` raise the soft limit to the hard one before they start a thread,
// as systemd advises services to, and log both once:
//   ... info smg::server: open files limit soft_before="1024" hard_before="524288" soft="524288" ...
// Past the limit accept() fails with EMFILE; the listener pauses and counts it (accept_backoff.h).
// Thread-safety: setrlimit is process-wide; call at start-up, before other threads start.
//
//   smg::os::raise_and_log_open_files_limit();              // start-up, once
//   auto limit = smg::os::raise_open_files_limit();          // or without the log line
//   if (limit.ok()) use(limit->soft_after);
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "common/status.h"

namespace smg::os {

// RLIM_INFINITY, as these values carry it.
inline constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

struct OpenFilesLimit {
  std::uint64_t soft_before = 0;
  std::uint64_t hard_before = 0;
  std::uint64_t soft_after = 0;
  std::uint64_t hard_after = 0;
};

// The soft limit to ask for: the hard one, or `nr_open` (/proc/sys/fs/nr_open, the most Linux
// lets a process open) when the hard one is unlimited, since setrlimit refuses an unlimited soft
// RLIMIT_NOFILE.
std::uint64_t wanted_soft_limit(std::uint64_t hard, std::uint64_t nr_open);

// Raises the soft RLIMIT_NOFILE to wanted_soft_limit() (never lowers it). Fails with
// "rlimit_failed" when getrlimit or setrlimit does.
Result<OpenFilesLimit> raise_open_files_limit();

// raise_open_files_limit() and one log line: info "open files limit" with soft_before,
// hard_before, soft and hard ("unlimited" for RLIM_INFINITY), or a warning when it failed.
void raise_and_log_open_files_limit();
// The log line alone, for a raise done earlier (serve raises before its threads start and logs
// once the config is known good, so a config error stays a one-line message).
void log_open_files_limit(const Result<OpenFilesLimit>& limit);

// "unlimited" for kUnlimited, else the number.
std::string limit_text(std::uint64_t limit);

}  // namespace smg::os
