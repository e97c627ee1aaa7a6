#include "server/http/accept_backoff.h"

#include <cerrno>

#include <algorithm>
#include <boost/system/system_category.hpp>

namespace smg::server {

AcceptErrorReason classify_accept_error(const boost::system::error_code& error) {
  if (error.category() != boost::system::system_category()) return AcceptErrorReason::kOther;
  switch (error.value()) {
    case EMFILE:
      return AcceptErrorReason::kEmfile;
    case ENFILE:
      return AcceptErrorReason::kEnfile;
    case ENOBUFS:
    case ENOMEM:
      return AcceptErrorReason::kNoMemory;
    // accept(2): errors already pending on the new connection; "retry as for EAGAIN".
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case ETIMEDOUT:
      return AcceptErrorReason::kConnection;
    default:
      return AcceptErrorReason::kOther;
  }
}

std::string_view accept_error_label(AcceptErrorReason reason) {
  switch (reason) {
    case AcceptErrorReason::kEmfile:
      return "emfile";
    case AcceptErrorReason::kEnfile:
      return "enfile";
    case AcceptErrorReason::kNoMemory:
      return "enomem";
    case AcceptErrorReason::kConnection:
      return "connection";
    case AcceptErrorReason::kOther:
      break;
  }
  return "other";
}

// An unknown error pauses too: one that persists (a broken listening socket) must not spin.
std::chrono::milliseconds AcceptBackoff::after_failure(AcceptErrorReason reason) {
  ++failures_;
  if (reason == AcceptErrorReason::kConnection) return std::chrono::milliseconds(0);
  std::chrono::milliseconds pause = next_pause_;
  next_pause_ = std::min(next_pause_ * 2, kMaxPause);
  return pause;
}

std::uint64_t AcceptBackoff::after_success() {
  std::uint64_t ended = failures_;
  failures_ = 0;
  next_pause_ = kFirstPause;
  return ended;
}

}  // namespace smg::server
