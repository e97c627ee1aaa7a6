#include "server/http/deadline.h"

namespace smg::server {

Deadline::Deadline(boost::asio::ip::tcp::socket& socket)
    : state_(std::make_shared<State>()), timer_(socket.get_executor()) {
  state_->socket = &socket;
}

Deadline::~Deadline() { state_->socket = nullptr; }

void Deadline::arm(std::chrono::steady_clock::time_point at, OnExpiry action) {
  std::uint64_t generation = ++state_->generation;
  state_->expired = false;
  timer_.expires_at(at);  // a wait still pending completes as aborted
  timer_.async_wait([state = state_, generation, action](const boost::system::error_code& error) {
    // A wait that completed just before a re-arm still runs: the generation tells it apart.
    if (error || state->generation != generation || state->socket == nullptr) return;
    state->expired = true;
    boost::system::error_code ignored;
    if (action == OnExpiry::kClose) {
      state->socket->close(ignored);
    } else {
      state->socket->cancel(ignored);
    }
  });
}

void Deadline::disarm() {
  ++state_->generation;
  timer_.cancel();
}

}  // namespace smg::server
