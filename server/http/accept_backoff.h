// AcceptBackoff: what the accept loop does when accept() fails. When the process runs out of
// descriptors (EMFILE), the system does (ENFILE) or the kernel runs out of memory (ENOBUFS,
// ENOMEM), the pending connection stays in the backlog and accepting again at once fails again:
// a loop that retried at once would spin at 100% CPU. So accepting pauses, 10 ms after the first
// failure, doubling up to 1 s while failures continue, and the first success resets it; the
// connections already open are served all along. An error of one connection (it was reset before
// it was accepted, a network error pending on it) is retried at once: the next one may be fine.
// Thread-safety: none; the accept loop owns one.
//
//   AcceptBackoff backoff;
//   auto pause = backoff.after_failure(classify_accept_error(error));   // 10 ms, 20 ms, ...
//   ...; backoff.after_success();                                       // back to 10 ms
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smg::server {

enum class AcceptErrorReason {
  kEmfile,      // the process's open-files limit (RLIMIT_NOFILE)
  kEnfile,      // the system's open-files limit (fs.file-max)
  kNoMemory,    // ENOBUFS, ENOMEM
  kConnection,  // the connection itself failed (ECONNABORTED, EPROTO, a pending network error)
  kOther,
};
inline constexpr std::size_t kAcceptErrorReasons = 5;

AcceptErrorReason classify_accept_error(const boost::system::error_code& error);
// The metric label: "emfile", "enfile", "enomem", "connection", "other".
std::string_view accept_error_label(AcceptErrorReason reason);

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirstPause{10};
  static constexpr std::chrono::milliseconds kMaxPause{1000};

  // How long to wait before accepting again: zero after an error of one connection, else
  // kFirstPause doubling to kMaxPause over consecutive failures.
  std::chrono::milliseconds after_failure(AcceptErrorReason reason);
  // An accept succeeded: the next failure pauses kFirstPause again. Returns how many failures
  // in a row it ended (0: none).
  std::uint64_t after_success();
  // Failures since the last success.
  std::uint64_t failures() const { return failures_; }
  // Whether one of those failures paused accepting.
  bool paused() const { return next_pause_ != kFirstPause; }

 private:
  std::chrono::milliseconds next_pause_ = kFirstPause;
  std::uint64_t failures_ = 0;
};

}  // namespace smg::server
