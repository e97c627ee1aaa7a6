// Status and Result<T>: expected failures as values, in the manner of absl::Status / StatusOr.
//
// A Status carries a canonical Code, a stable snake_case `reason` that callers and tests match on
// (e.g. "jwt_expired"), and a `message` that is safe to show a user: it never contains a secret.
// Thread-safety: plain values.
//
//   smg::Result<int> parse_port(std::string_view s);
//   auto port = parse_port("80");
//   if (!port.ok()) { std::cerr << port.status().message(); }
//   use(*port);
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace smg {

enum class Code {
  kOk,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kOutOfRange,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kUnimplemented,
  kInternal,
};

const char* code_name(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string reason_;
  std::string message_;
};

inline Status invalid_argument(std::string reason, std::string message) {
  return Status(Code::kInvalidArgument, std::move(reason), std::move(message));
}
inline Status unauthenticated(std::string reason, std::string message) {
  return Status(Code::kUnauthenticated, std::move(reason), std::move(message));
}
inline Status unavailable(std::string reason, std::string message) {
  return Status(Code::kUnavailable, std::move(reason), std::move(message));
}
inline Status not_found(std::string reason, std::string message) {
  return Status(Code::kNotFound, std::move(reason), std::move(message));
}
inline Status internal_error(std::string reason, std::string message) {
  return Status(Code::kInternal, std::move(reason), std::move(message));
}

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like StatusOr
  Result(Status status) : state_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(state_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace smg
