// Deadline: a connection's one timer for its socket operations. arm() before an operation; when
// the time passes, the socket's pending operations are cancelled (a read then completes with
// operation_aborted and expired() is true, so the engine can still answer 408) or, for writes
// and handshakes, the socket is closed (nothing more will be sent on it). Each arm() replaces
// the previous one, so a deadline that moves (a body's, with its bytes) is re-armed per read.
// Thread-safety: use on the connection's strand only; the timer runs on the same executor.
//
//   deadline.arm(Clock::now() + 10s);
//   co_await socket.async_read_some(buffer, redirect_error(use_awaitable, ec));
//   if (ec && deadline.expired()) -> timed out
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace smg::server {

class Deadline {
 public:
  enum class OnExpiry { kCancel, kClose };

  explicit Deadline(boost::asio::ip::tcp::socket& socket);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // A time point already past expires at once: the operation started next is cancelled.
  void arm(std::chrono::steady_clock::time_point at, OnExpiry action = OnExpiry::kCancel);
  void disarm();
  bool expired() const { return state_->expired; }

 private:
  // Shared with the pending wait, whose handler may run after the connection is gone.
  struct State {
    std::uint64_t generation = 0;
    bool expired = false;
    boost::asio::ip::tcp::socket* socket = nullptr;
  };
  std::shared_ptr<State> state_;
  boost::asio::steady_timer timer_;
};

}  // namespace smg::server
