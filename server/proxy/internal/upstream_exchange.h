// UpstreamExchange: one request to a worker and its response, as a coroutine on a strand of its
// own (UpstreamClient's send/open). Connects (or takes a pooled connection), writes the request,
// reads the final head, then either the whole body (send) or the body piece by piece as the
// caller pulls it (open: an UpstreamStream). One deadline covers the exchange; cancel() closes
// the connection at once. A connection goes back to the pool only after a complete response
// that keeps it alive.
// Thread-safety: start once; cancel() and pull() from any thread.
//
//   auto exchange = UpstreamExchange::create(io, setup);
//   exchange->start_send([](Result<UpstreamResponse> r) { ... });
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "server/proxy/internal/connection_pool.h"
#include "server/proxy/internal/upstream_connection.h"
#include "server/proxy/upstream_client.h"

namespace smg::proxy::internal {

struct ExchangeSetup {
  UpstreamRequest request;
  UpstreamTarget target;
  std::size_t max_body_bytes = 0;  // send() only
  std::shared_ptr<ConnectionPool> pool;
  std::size_t home = 0;  // the I/O thread index of the context the exchange runs on
  boost::asio::ssl::context* tls = nullptr;  // for https:// targets
  bool refuse_link_local = true;
};

class UpstreamExchange final : public UpstreamCall,
                               public UpstreamStream,
                               public std::enable_shared_from_this<UpstreamExchange> {
 public:
  UpstreamExchange(boost::asio::io_context& io, ExchangeSetup setup);
  ~UpstreamExchange() override;

  void start_send(UpstreamClient::SendDone done);
  void start_open(UpstreamClient::OpenDone done);

  void cancel() override;
  void pull(std::function<void(server::BodyPiece)> ready) override;
  Status end_status() const override { return end_status_; }
  std::size_t bytes_relayed() const override { return bytes_relayed_; }

 private:
  using Parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

  static boost::asio::awaitable<void> run_send(std::shared_ptr<UpstreamExchange> self);
  static boost::asio::awaitable<void> run_open(std::shared_ptr<UpstreamExchange> self);
  // A streamed body's next piece, by plain callbacks on the exchange's context (no coroutine
  // frame per piece): pull_here starts the read, pulled delivers what it got.
  void pull_here(std::function<void(server::BodyPiece)> ready);
  void pulled(boost::system::error_code error, std::function<void(server::BodyPiece)> ready);
  boost::asio::awaitable<Status> exchange_head();
  boost::asio::awaitable<Status> connect();
  boost::asio::awaitable<boost::system::error_code> write_request();
  boost::asio::awaitable<boost::system::error_code> read_head();
  // Reads body bytes into [data, data + size): how many, 0 at the end or on an error.
  boost::asio::awaitable<std::size_t> read_body(char* data, std::size_t size,
                                                boost::system::error_code& error);
  Status failure(const boost::system::error_code& error, const char* what) const;
  void arm_deadline(std::chrono::steady_clock::time_point at);
  void body_done();
  UpstreamHeaders response_headers() const;

  boost::asio::io_context& io_;
  UpstreamClient::SendDone send_done_;
  UpstreamClient::OpenDone open_done_;
  // The context's own executor: one thread runs it (io_runtime.h), so it serialises like a
  // strand without one.
  boost::asio::io_context::executor_type strand_;
  ExchangeSetup setup_;
  std::unique_ptr<UpstreamConnection> connection_;
  std::optional<Parser> parser_;
  boost::asio::steady_timer deadline_;
  std::chrono::steady_clock::time_point ends_at_;
  bool timed_out_ = false;
  std::atomic<bool> cancelled_{false};
  bool connected_ = false;
  bool finished_ = false;  // the body has ended or failed
  Status end_status_;
  std::size_t bytes_relayed_ = 0;
  std::array<char, 4096> piece_{};  // a streamed body's next piece
};

}  // namespace smg::proxy::internal
