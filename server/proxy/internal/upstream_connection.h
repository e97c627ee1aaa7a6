// UpstreamConnection: one keep-alive connection from the gateway to a worker origin (plain TCP or
// TLS), with the bytes read past the last response.
// Thread-safety: a connection is used by one exchange at a time (connection_pool.h hands it over).
//
//   UpstreamConnection connection(io.get_executor(), target.tls ? &tls_context : nullptr);
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "server/proxy/internal/upstream_target.h"

namespace smg::proxy::internal {

class UpstreamConnection {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  // tls: null for plain TCP.
  UpstreamConnection(const boost::asio::any_io_executor& executor,
                     boost::asio::ssl::context* tls);

  Socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  bool tls() const { return tls_.has_value(); }
  TlsStream& tls_stream() { return *tls_; }
  Socket& plain() { return *plain_; }
  void close();

  // An idle connection may be reused: still open, nothing unread and no EOF from the worker
  // (a non-blocking peek), and idle for less than `max_idle`.
  bool reusable(std::chrono::steady_clock::duration max_idle) const;

  boost::beast::flat_buffer buffer{64 * 1024};  // read ahead; capped at a response head's size
  std::chrono::steady_clock::time_point idle_since{};
  std::size_t home = 0;  // the I/O thread whose context the socket belongs to (connection_pool.h)

 private:
  std::optional<Socket> plain_;
  std::optional<TlsStream> tls_;
};

}  // namespace smg::proxy::internal
