#include "server/proxy/internal/upstream_exchange.h"

#include <strings.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <string_view>

#include "server/proxy/internal/request_lines.h"
#include "server/workers/worker_target.h"

namespace smg::proxy::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kBufferedReadBytes = 16 * 1024;

auto with(error_code& error) { return asio::redirect_error(asio::use_awaitable, error); }

bool idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

// The worker closed the connection before answering: a pooled connection it had dropped.
bool closed_by_worker(const error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::eof;
}

}  // namespace

UpstreamExchange::UpstreamExchange(asio::io_context& io, ExchangeSetup setup)
    : io_(io), strand_(io.get_executor()), setup_(std::move(setup)), deadline_(strand_) {}

UpstreamExchange::~UpstreamExchange() {
  // A body nobody finished reading: the worker sees the connection closed.
  if (connection_) connection_->close();
}

void UpstreamExchange::start_send(UpstreamClient::SendDone done) {
  send_done_ = std::move(done);
  asio::co_spawn(strand_, run_send(shared_from_this()), asio::detached);
}

void UpstreamExchange::start_open(UpstreamClient::OpenDone done) {
  open_done_ = std::move(done);
  asio::co_spawn(strand_, run_open(shared_from_this()), asio::detached);
}

void UpstreamExchange::cancel() {
  cancelled_ = true;
  asio::post(strand_, [self = shared_from_this()] {
    self->deadline_.cancel();
    if (self->connection_) self->connection_->close();
  });
}

void UpstreamExchange::pull(std::function<void(server::BodyPiece)> ready) {
  // On the exchange's own thread (the connection's, io_runtime.h) this runs at once.
  asio::dispatch(strand_, [self = shared_from_this(), ready = std::move(ready)]() mutable {
    self->pull_here(std::move(ready));
  });
}

awaitable<void> UpstreamExchange::run_send(std::shared_ptr<UpstreamExchange> self) {
  Result<UpstreamResponse> result = internal_error("upstream_failed", "upstream exchange failed");
  try {
    Status head = co_await self->exchange_head();
    if (!head.ok()) {
      result = head;
    } else {
      UpstreamResponse response;
      response.status = self->parser_->get().result_int();
      response.headers = self->response_headers();
      std::string body;
      if (auto length = self->parser_->content_length()) {
        body.reserve(std::min<std::uint64_t>(*length, self->setup_.max_body_bytes));
      }
      error_code error;
      while (!self->parser_->is_done()) {
        std::size_t had = body.size();
        if (had >= self->setup_.max_body_bytes) {
          error = http::error::body_limit;
          break;
        }
        std::size_t room = std::min(kBufferedReadBytes, self->setup_.max_body_bytes - had);
        body.resize(had + room);
        std::size_t n = co_await self->read_body(body.data() + had, room, error);
        body.resize(had + n);
        if (error) break;
      }
      if (error) {
        result = self->failure(error, "reading the worker's response");
      } else {
        self->body_done();
        response.body = std::move(body);
        result = std::move(response);
      }
    }
  } catch (...) {
  }
  self->deadline_.cancel();
  auto done = std::move(self->send_done_);
  done(std::move(result));
}

awaitable<void> UpstreamExchange::run_open(std::shared_ptr<UpstreamExchange> self) {
  Status head = internal_error("upstream_failed", "upstream exchange failed");
  try {
    head = co_await self->exchange_head();
  } catch (...) {
  }
  auto done = std::move(self->open_done_);
  if (!head.ok()) {
    self->deadline_.cancel();
    self->finished_ = true;
    if (self->connection_) self->connection_->close();
    self->connection_.reset();
    done(head);
    co_return;
  }
  self->status_ = self->parser_->get().result_int();
  self->headers_ = self->response_headers();
  // A streamed body waits with a small read buffer: the head's room is given back.
  self->connection_->buffer.shrink_to_fit();
  done(std::shared_ptr<UpstreamStream>(self));
}

void UpstreamExchange::pull_here(std::function<void(server::BodyPiece)> ready) {
  if (finished_ || cancelled_ || !connection_) {
    server::BodyPiece piece;
    piece.failed = !end_status_.ok() || cancelled_ || !finished_;
    piece.end = !piece.failed;
    if (cancelled_ && end_status_.ok() && !finished_) {
      end_status_ = Status(Code::kUnavailable, "upstream_aborted",
                           "the upstream request was abandoned");
    }
    ready(std::move(piece));
    return;
  }
  auto& body = parser_->get().body();
  body.data = piece_.data();
  body.size = piece_.size();
  auto done = [self = shared_from_this(), ready = std::move(ready)](error_code error,
                                                                     std::size_t) mutable {
    self->pulled(error, std::move(ready));
  };
  if (connection_->tls()) {
    http::async_read_some(connection_->tls_stream(), connection_->buffer, *parser_,
                          std::move(done));
  } else {
    http::async_read_some(connection_->plain(), connection_->buffer, *parser_, std::move(done));
  }
}

void UpstreamExchange::pulled(error_code error, std::function<void(server::BodyPiece)> ready) {
  if (error == http::error::need_buffer) error = {};
  std::size_t n = piece_.size() - parser_->get().body().size;
  if (!error && n == 0 && !parser_->is_done() && !cancelled_) {
    pull_here(std::move(ready));  // a chunk header alone: read on
    return;
  }
  server::BodyPiece piece;
  if (error || (cancelled_ && n == 0 && !parser_->is_done())) {
    if (!error) error = asio::error::operation_aborted;
    end_status_ = failure(error, "relaying the worker's response");
    finished_ = true;
    if (connection_) {
      connection_->close();
      connection_.reset();
    }
    deadline_.cancel();
    piece.failed = true;
    ready(std::move(piece));
    return;
  }
  piece.bytes.assign(piece_.data(), n);
  bytes_relayed_ += n;
  if (parser_->is_done()) {
    body_done();
    piece.end = true;
  }
  ready(std::move(piece));
}

// Connects, writes the request and reads the final head; a pooled connection the worker had
// closed is replaced once by a fresh one.
awaitable<Status> UpstreamExchange::exchange_head() {
  const UpstreamRequest& request = setup_.request;
  ends_at_ = Clock::now() + request.timeout;
  arm_deadline(ends_at_);
  connection_ = setup_.pool->take(setup_.target.origin(), setup_.home);
  for (int attempt = 0;; ++attempt) {
    bool reused = connection_ != nullptr;
    if (!reused) {
      Status connected = co_await connect();
      if (!connected.ok()) co_return connected;
    }
    error_code error = co_await write_request();
    bool wrote = !error;
    if (wrote) error = co_await read_head();
    if (!error) co_return Status();
    if (cancelled_ || timed_out_) co_return failure(error, "waiting for the worker");
    bool retry = reused && attempt == 0 && closed_by_worker(error) &&
                 (idempotent(request.method) || error == http::error::end_of_stream || !wrote);
    connection_->close();
    connection_.reset();
    if (!retry) co_return failure(error, "waiting for the worker");
  }
}

awaitable<Status> UpstreamExchange::connect() {
  const UpstreamTarget& target = setup_.target;
  arm_deadline(std::min(ends_at_, Clock::now() + setup_.request.connect_timeout));
  connection_ = std::make_unique<UpstreamConnection>(io_.get_executor(),
                                                     target.tls ? setup_.tls : nullptr);
  connection_->home = setup_.home;
  error_code error;
  std::vector<tcp::endpoint> endpoints;
  asio::ip::address literal = asio::ip::make_address(target.host, error);
  if (!error) {
    endpoints.emplace_back(literal, static_cast<unsigned short>(std::stoi(target.port)));
  } else {
    // getaddrinfo runs on Asio's resolver thread, never on an I/O thread.
    tcp::resolver resolver(strand_);
    error = {};
    auto found = co_await resolver.async_resolve(target.host, target.port,
                                                 tcp::resolver::numeric_service, with(error));
    if (error) {
      co_return failure(error, "resolving the worker's host");
    }
    for (const auto& entry : found) endpoints.push_back(entry.endpoint());
  }
  if (setup_.refuse_link_local) {
    std::erase_if(endpoints, [](const tcp::endpoint& e) {
      return workers::is_refused_address(e.data());
    });
    if (endpoints.empty()) {
      co_return unavailable("upstream_connect_failed",
                            "could not connect to the worker: its address is refused "
                            "(link-local or metadata)");
    }
  }
  co_await asio::async_connect(connection_->socket(), endpoints, with(error));
  if (!error) {
    connection_->socket().set_option(tcp::no_delay(true), error);
    error = {};
  }
  if (!error && target.tls) {
    auto& tls = connection_->tls_stream();
    SSL_set_tlsext_host_name(tls.native_handle(), target.host.c_str());
    tls.set_verify_mode(asio::ssl::verify_peer);
    tls.set_verify_callback(asio::ssl::host_name_verification(target.host));
    co_await tls.async_handshake(asio::ssl::stream_base::client, with(error));
  }
  if (error) co_return failure(error, "connecting to the worker");
  connected_ = true;
  arm_deadline(ends_at_);
  co_return Status();
}

awaitable<error_code> UpstreamExchange::write_request() {
  std::string head = upstream_request_head(setup_.request, setup_.target);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                            asio::buffer(setup_.request.body)};
  error_code error;
  if (connection_->tls()) {
    co_await asio::async_write(connection_->tls_stream(), buffers, with(error));
  } else {
    co_await asio::async_write(connection_->plain(), buffers, with(error));
  }
  co_return error;
}

// The final head: interim 1xx responses are read and dropped.
awaitable<error_code> UpstreamExchange::read_head() {
  for (;;) {
    parser_.emplace();
    parser_->header_limit(kMaxHeadBytes);
    parser_->body_limit(boost::none);
    if (setup_.request.method == "HEAD") parser_->skip(true);
    error_code error;
    if (connection_->tls()) {
      co_await http::async_read_header(connection_->tls_stream(), connection_->buffer, *parser_,
                                       with(error));
    } else {
      co_await http::async_read_header(connection_->plain(), connection_->buffer, *parser_,
                                       with(error));
    }
    if (error) co_return error;
    int status = parser_->get().result_int();
    if (status == 101) co_return http::error::bad_version;  // no upgrades through the gateway
    if (status >= 200) co_return error_code{};
    // 1xx: no body; the next message is the real answer.
    if (!parser_->is_done()) co_return http::error::bad_status;
  }
}

awaitable<std::size_t> UpstreamExchange::read_body(char* data, std::size_t size,
                                                   error_code& error) {
  auto& body = parser_->get().body();
  body.data = data;
  body.size = size;
  if (connection_->tls()) {
    co_await http::async_read_some(connection_->tls_stream(), connection_->buffer, *parser_,
                                   with(error));
  } else {
    co_await http::async_read_some(connection_->plain(), connection_->buffer, *parser_,
                                   with(error));
  }
  if (error == http::error::need_buffer) error = {};
  co_return size - body.size;
}

// A complete response: the connection goes back to the pool if both sides keep it alive.
void UpstreamExchange::body_done() {
  finished_ = true;
  deadline_.cancel();
  if (connection_ && parser_->keep_alive() && !cancelled_ && connection_->buffer.size() == 0) {
    setup_.pool->give_back(setup_.target.origin(), std::move(connection_));
  }
  connection_.reset();
}

Status UpstreamExchange::failure(const error_code& error, const char* what) const {
  if (cancelled_) {
    return Status(Code::kUnavailable, "upstream_aborted", "the upstream request was abandoned");
  }
  if (error == http::error::body_limit) {
    return Status(Code::kResourceExhausted, "upstream_too_large",
                  "the worker's response exceeds the size limit");
  }
  if (timed_out_) {
    // As nginx: a worker that cannot be reached in time is a gateway timeout too.
    return Status(Code::kDeadlineExceeded, "upstream_timeout",
                  connected_ ? "the worker did not answer in time"
                             : "timed out connecting to the worker");
  }
  if (!connected_) {
    return unavailable("upstream_connect_failed",
                       "could not connect to the worker: " + error.message());
  }
  return unavailable("upstream_failed", std::string(what) + ": " + error.message());
}

void UpstreamExchange::arm_deadline(Clock::time_point at) {
  deadline_.expires_at(at);
  deadline_.async_wait([self = weak_from_this()](const error_code& error) {
    auto exchange = self.lock();
    if (error || !exchange) return;  // re-armed or cancelled
    exchange->timed_out_ = true;
    if (exchange->connection_) exchange->connection_->close();
  });
}

UpstreamHeaders UpstreamExchange::response_headers() const {
  UpstreamHeaders headers;
  for (const auto& field : parser_->get()) {
    std::string_view name(field.name_string().data(), field.name_string().size());
    if (is_connection_header(name)) continue;
    headers.emplace_back(std::string(name), std::string(field.value()));
  }
  return headers;
}

}  // namespace smg::proxy::internal
