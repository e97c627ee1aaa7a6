#include "server/http/connection.h"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "server/http/chunked_framing.h"
#include "server/http/deadline.h"
#include "server/http/growing_body.h"
#include "server/http/request_head.h"
#include "server/http/response_head.h"

namespace smg::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Parser = http::request_parser<GrowingStringBody>;
using TlsStream = asio::ssl::stream<tcp::socket>;

constexpr std::size_t kReadSize = 16 * 1024;
// An idle connection waits with a small buffer: 500 of them should cost little memory.
constexpr std::size_t kIdleReadSize = 1024;
// After a response that closes the connection, what the client still sends is read and dropped
// for a while: closing a socket with unread bytes resets the connection, and a reset can destroy
// the response before the client has read it (nginx's lingering close).
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::chrono::seconds kTlsShutdownTime{1};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

auto with(beast::error_code& error) { return asio::redirect_error(asio::use_awaitable, error); }

asio::const_buffer view(std::string_view bytes) { return asio::buffer(bytes.data(), bytes.size()); }

// mod_reqtimeout: body_timeout from the head's end plus a second per body_min_rate bytes, and
// never longer than read_timeout for one read.
Clock::time_point body_deadline(const ListenerOptions& options, Clock::time_point started,
                                std::uint64_t received) {
  Clock::time_point per_read = Clock::now() + options.read_timeout;
  if (options.body_min_rate == 0) return per_read;
  auto allowance = options.body_timeout + std::chrono::seconds(received / options.body_min_rate);
  return std::min(per_read, started + allowance);
}

bool asks_to_close(const Response& response) {
  auto connection = response.header("Connection");
  return connection && connection->find("close") != std::string::npos;
}

Response internal_error() {
  return error_response(500, "internal_error", "Internal server error");
}

// The StreamSink a streamed Response writes into from its pool thread: each write is one chunk,
// written by the connection's strand while the pool thread waits (backpressure).
template <class Connection>
class ConnectionSink final : public StreamSink {
 public:
  explicit ConnectionSink(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}
  bool write(std::string_view bytes) override {
    if (!client_connected()) return false;
    if (bytes.empty()) return true;
    auto sent = asio::co_spawn(connection_->executor(), Connection::write_chunk(connection_, bytes),
                               asio::use_future);
    return sent.get();
  }
  bool client_connected() const override { return connection_->client_connected(); }

 private:
  std::shared_ptr<Connection> connection_;
};

template <class Stream>
class Connection final : public ConnectionControl,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  // `args` construct the stream: a socket, and for TLS the context.
  template <class... Args>
  explicit Connection(EngineShared& shared, Args&&... args)
      : stream_(std::forward<Args>(args)...),
        socket_(beast::get_lowest_layer(stream_)),
        shared_(shared),
        deadline_(socket_),
        watch_done_(socket_.get_executor()) {}
  ~Connection() override {
    shared_.registry.remove(registry_id_);
    shared_.open_connections.fetch_sub(1);
  }

  static awaitable<void> run(std::shared_ptr<Connection> self);
  static awaitable<bool> write_chunk(std::shared_ptr<Connection> self, std::string_view bytes);

  void on_stop() override {
    asio::post(executor(), [self = this->shared_from_this()] {
      beast::error_code ignored;
      if (self->idle_) self->socket_.cancel(ignored);
    });
  }
  void force_close() override {
    asio::post(executor(), [self = this->shared_from_this()] {
      self->abrupt_ = true;
      self->cancel_pending();
      beast::error_code ignored;
      self->socket_.close(ignored);
    });
  }
  bool client_connected() const { return !client_gone_ && !shared_.stopping; }
  asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  awaitable<bool> handshake();
  awaitable<bool> await_request();
  awaitable<bool> serve_request();
  awaitable<std::optional<Request>> read_head(Parser& parser);
  awaitable<bool> screen(Request& head, bool head_only);
  awaitable<bool> read_body(Parser& parser, std::size_t route_limit);
  awaitable<Response> handle(Request& request);
  awaitable<bool> respond(Response& response, bool close, bool head_only);
  awaitable<bool> stream(Response& response, bool close);
  awaitable<bool> stream_source(Response& response, bool close);
  awaitable<Response> await_deferred(std::shared_ptr<Deferred> deferred);
  awaitable<BodyPiece> pull(std::shared_ptr<BodySource> source);
  void start_watching();
  // On the strand: the client is gone (or the engine gives up on it): whatever the connection
  // waits for is told at once.
  void cancel_pending() {
    if (pending_source_) pending_source_->cancel();
    if (pending_deferred_) pending_deferred_->cancel();
  }
  awaitable<void> refuse(EngineRefusal refusal);
  template <class Ready, class NextDeadline>
  awaitable<beast::error_code> parse_until(Parser& parser, Ready ready, NextDeadline next,
                                           std::uint64_t& consumed, std::uint64_t limit,
                                           ChunkedFraming* chunked = nullptr);
  template <class Buffers>
  awaitable<bool> write(Buffers buffers);
  static awaitable<void> watch_client(std::shared_ptr<Connection> self);
  awaitable<void> stop_watching();
  awaitable<void> close();
  awaitable<void> linger();

  Stream stream_;
  tcp::socket& socket_;
  EngineShared& shared_;
  std::uint64_t registry_id_ = 0;
  Deadline deadline_;
  beast::flat_buffer buffer_;  // bytes read and not yet parsed: a pipelined request's included
  std::string remote_addr_;
  int remote_port_ = 0;
  std::size_t served_ = 0;
  bool idle_ = false;    // waiting for a request's first byte
  bool inline_ = false;  // this request's screen and handler run here (runs_inline)
  bool abrupt_ = false;  // the client is gone or the socket broke: close without ceremony
  std::atomic<bool> client_gone_{false};
  bool watching_ = false;
  bool stop_watch_ = false;
  asio::steady_timer watch_done_;  // cancelled when watch_client ends
  std::shared_ptr<BodySource> pending_source_;  // the body being pulled, while it streams
  std::shared_ptr<Deferred> pending_deferred_;  // the response being waited for
};

template <class Stream>
awaitable<void> Connection<Stream>::run(std::shared_ptr<Connection> self) {
  self->registry_id_ = self->shared_.registry.add(self);
  beast::error_code error;
  tcp::endpoint peer = self->socket_.remote_endpoint(error);
  if (!error) {
    self->remote_addr_ = peer.address().to_string();
    self->remote_port_ = peer.port();
  }
  self->socket_.set_option(tcp::no_delay(true), error);
  try {
    bool ready = co_await self->handshake();
    while (ready) {
      bool arrived = co_await self->await_request();
      if (!arrived) break;
      ready = co_await self->serve_request();
    }
  } catch (...) {
    self->abrupt_ = true;  // a broken invariant in one connection must not take the engine down
  }
  co_await self->close();
}

template <class Stream>
awaitable<bool> Connection<Stream>::handshake() {
  if constexpr (kTls) {
    // A client that never finishes its handshake holds no thread and goes at the idle timeout.
    deadline_.arm(Clock::now() + shared_.options.keep_alive_timeout, Deadline::OnExpiry::kClose);
    beast::error_code error;
    co_await stream_.async_handshake(asio::ssl::stream_base::server, with(error));
    deadline_.disarm();
    abrupt_ = static_cast<bool>(error);
    co_return !error;
  } else {
    co_return true;
  }
}

// Idle between requests: a keep-alive connection waits here, a socket and a coroutine frame.
template <class Stream>
awaitable<bool> Connection<Stream>::await_request() {
  if (buffer_.size() > 0) co_return true;  // pipelined
  if (shared_.stopping) {
    abrupt_ = true;  // no answer in flight: nothing to linger for
    co_return false;
  }
  idle_ = true;
  buffer_.shrink_to_fit();  // what the last request grew it to
  deadline_.arm(Clock::now() + shared_.options.keep_alive_timeout);
  beast::error_code error;
  std::size_t n = co_await stream_.async_read_some(buffer_.prepare(kIdleReadSize), with(error));
  buffer_.commit(n);
  deadline_.disarm();
  idle_ = false;
  if (n == 0) abrupt_ = true;  // closed, timed out or stopping: nobody waits for an answer
  co_return n > 0;
}

// One request, head to response. False: close the connection.
template <class Stream>
awaitable<bool> Connection<Stream>::serve_request() {
  Parser parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeadBytes));
  parser.body_limit(boost::none);  // the screen answers a route's limit before ours applies
  std::optional<Request> head = co_await read_head(parser);
  if (!head) co_return false;
  bool head_only = head->method == "HEAD";
  inline_ = shared_.options.runs_inline && shared_.options.runs_inline(*head);
  bool admitted = co_await screen(*head, head_only);
  if (!admitted) co_return false;
  bool body_read = co_await read_body(parser, head->body_limit);
  if (!body_read) co_return false;
  head->body = std::move(parser.get().body());
  ++served_;
  bool close = !parser.keep_alive() || shared_.stopping ||
               served_ >= shared_.options.keep_alive_max_requests;
  Response response = co_await handle(*head);
  while (response.deferred) {
    Response later = co_await await_deferred(std::move(response.deferred));
    response = std::move(later);
  }
  close = close || asks_to_close(response) || shared_.stopping;  // stop() came meanwhile
  bool sent = co_await respond(response, close, head_only);
  co_return sent && !close;
}

template <class Stream>
awaitable<std::optional<Request>> Connection<Stream>::read_head(Parser& parser) {
  const Clock::time_point deadline = Clock::now() + shared_.options.head_timeout;
  std::uint64_t consumed = 0;
  beast::error_code error = co_await parse_until(
      parser, [](Parser& p) { return p.is_header_done(); }, [deadline] { return deadline; },
      consumed, kMaxHeadBytes);
  std::optional<EngineRefusal> refusal;
  if (error) {
    std::string_view unparsed(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    // A request line that stalls is closed without an answer, as nginx does. (Beast consumes
    // the lines it has parsed: a parsed request line has set the target.)
    bool request_line = !parser.get().target().empty() ||
                        unparsed.find("\r\n") != std::string_view::npos;
    if (error != asio::error::timed_out) {
      refusal = refusal_for_parse_error(error, unparsed);
    } else if (request_line) {
      refusal = head_timeout_refusal();
    }
    if (!refusal) abrupt_ = true;
  } else {
    refusal = check_head(parser.get());
  }
  if (refusal) {
    co_await refuse(std::move(*refusal));
    co_return std::nullopt;
  }
  if (error) co_return std::nullopt;
  Request request = to_request(parser.get());
  request.remote_addr = remote_addr_;
  request.remote_port = remote_port_;
  request.tls = kTls;
  co_return request;
}

// The gateway's HeadScreen (authentication may run bcrypt: blocking, so on the pool).
template <class Stream>
awaitable<bool> Connection<Stream>::screen(Request& head, bool head_only) {
  if (!shared_.screen) co_return true;
  std::optional<Response> refused;
  try {
    if (inline_) {
      refused = shared_.screen(head);
    } else {
      refused = co_await shared_.pool.run([&] { return shared_.screen(head); });
    }
  } catch (...) {
    refused = internal_error();
  }
  if (!refused) co_return true;
  // The body is never read, so nothing after it on this connection can be read as a request.
  co_await respond(*refused, true, head_only);
  co_return false;
}

template <class Stream>
awaitable<bool> Connection<Stream>::read_body(Parser& parser, std::size_t route_limit) {
  if (parser.is_done()) co_return true;
  const ListenerOptions& options = shared_.options;
  std::size_t limit = options.max_payload_bytes;
  if (route_limit > 0) limit = std::min(limit, route_limit);
  auto length = parser.content_length();
  if (length && *length > limit) {
    co_await refuse(payload_too_large_refusal());
    co_return false;
  }
  parser.body_limit(limit);  // chunked bodies: checked chunk by chunk
  if (expects_continue(parser.get())) {
    bool sent = co_await write(view(kContinue));
    if (!sent) co_return false;
  }
  const Clock::time_point started = Clock::now();
  std::uint64_t consumed = 0;
  std::optional<ChunkedFraming> chunked;
  if (parser.chunked()) chunked.emplace();
  beast::error_code error = co_await parse_until(
      parser, [](Parser& p) { return p.is_done(); },
      [&] { return body_deadline(options, started, consumed); }, consumed, 0,
      chunked ? &*chunked : nullptr);
  if (!error && chunked && !chunked->done()) error = http::error::bad_chunk;  // never expected
  if (!error) co_return true;
  std::optional<EngineRefusal> refusal = error == asio::error::timed_out
                                             ? std::optional(body_too_slow_refusal())
                                             : refusal_for_parse_error(error, {});
  // Whatever Beast called it (a bad line ending, a bad value in a trailer), in a chunked body it
  // is a framing error.
  if (refusal && refusal->status == 400 && chunked) refusal = chunked_body_refusal();
  if (refusal) {
    co_await refuse(std::move(*refusal));
  } else {
    abrupt_ = true;
  }
  co_return false;
}

// Parses what the buffer holds and reads more until ready(parser); each read runs under the
// deadline next() gives at that moment. A read past its deadline returns timed_out. With a
// `limit`, more than that many bytes without being ready is header_limit: Beast applies its own
// header_limit to what one put() sees, and it consumes a head line by line as lines arrive.
template <class Stream>
template <class Ready, class NextDeadline>
awaitable<beast::error_code> Connection<Stream>::parse_until(Parser& parser, Ready ready,
                                                             NextDeadline next,
                                                             std::uint64_t& consumed,
                                                             std::uint64_t limit,
                                                             ChunkedFraming* chunked) {
  for (;;) {
    beast::error_code error;
    if (buffer_.size() > 0) {
      std::size_t used = parser.put(buffer_.data(), error);
      // Every byte Beast took of a chunked body must fit the chunk grammar too (chunked_framing.h).
      std::string_view taken(static_cast<const char*>(buffer_.data().data()), used);
      if (chunked != nullptr && !chunked->accept(taken)) co_return http::error::bad_chunk;
      buffer_.consume(used);
      consumed += used;
      if (error && error != http::error::need_more) co_return error;
      if (ready(parser)) co_return beast::error_code{};
      if (used > 0 && buffer_.size() > 0) continue;
    }
    // Not ready and Beast needs more: everything buffered belongs to what is being parsed.
    if (limit > 0 && consumed + buffer_.size() >= limit) co_return http::error::header_limit;
    deadline_.arm(next());
    std::size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadSize), with(error));
    buffer_.commit(n);
    bool expired = deadline_.expired();
    deadline_.disarm();
    if (expired && n == 0) co_return asio::error::timed_out;
    if (error && n == 0) co_return http::error::partial_message;  // closed mid-request
  }
}

template <class Stream>
awaitable<Response> Connection<Stream>::handle(Request& request) {
  Response response;
  try {
    if (inline_) {
      response = shared_.handler(request);
    } else {
      response = co_await shared_.pool.run([&] { return shared_.handler(request); });
    }
  } catch (...) {
    response = internal_error();
  }
  co_return response;
}

template <class Stream>
awaitable<bool> Connection<Stream>::respond(Response& response, bool close, bool head_only) {
  bool has_body = !head_only && status_has_body(response.status);
  if (response.stream && has_body) {
    bool streamed = co_await stream(response, close);
    co_return streamed;
  }
  if (response.source && has_body) {
    bool streamed = co_await stream_source(response, close);
    co_return streamed;
  }
  if (response.source) response.source->cancel();  // a HEAD request: the body is never wanted
  std::string head = response_head(response, {.chunked = response.streams(), .close = close});
  std::string_view body = has_body ? std::string_view(response.body) : std::string_view();
  std::array<asio::const_buffer, 2> buffers{view(head), view(body)};
  bool sent = co_await write(buffers);
  co_return sent;
}

// A streamed body: its callback runs on the pool and writes chunks through a ConnectionSink,
// while watch_client reads the connection to notice a client that goes away.
template <class Stream>
awaitable<bool> Connection<Stream>::stream(Response& response, bool close) {
  std::string head = response_head(response, {.chunked = true, .close = close});
  bool sent = co_await write(view(head));
  if (!sent) co_return false;
  start_watching();
  ConnectionSink<Connection> sink(this->shared_from_this());
  bool completed = false;
  try {
    completed = co_await shared_.pool.run([&] {
      bool done = response.stream(sink);
      response.stream = nullptr;  // its state (an upstream transfer) dies off the I/O threads
      return done;
    });
  } catch (...) {
    completed = false;
  }
  co_await stop_watching();
  if (!completed || client_gone_) {
    abrupt_ = true;  // an unfinished chunked body: only closing tells the client
    co_return false;
  }
  sent = co_await write(view(kLastChunk));
  co_return sent;
}

template <class Stream>
void Connection<Stream>::start_watching() {
  watching_ = true;
  stop_watch_ = false;
  watch_done_.expires_at(Clock::time_point::max());
  asio::co_spawn(executor(), watch_client(this->shared_from_this()), asio::detached);
}

// A body pulled from a BodySource: no thread waits for it. A piece is asked for only once the
// last one is written, so a slow client holds at most one piece here.
template <class Stream>
awaitable<bool> Connection<Stream>::stream_source(Response& response, bool close) {
  std::shared_ptr<BodySource> source = std::move(response.source);
  std::string head = response_head(response, {.chunked = true, .close = close});
  bool sent = co_await write(view(head));
  if (!sent) {
    source->cancel();
    co_return false;
  }
  buffer_.shrink_to_fit();  // held for as long as the stream lasts
  start_watching();
  pending_source_ = source;
  bool completed = false;
  for (;;) {
    if (client_gone_) source->cancel();
    BodyPiece piece = co_await pull(source);
    if (piece.failed) break;
    if (!piece.bytes.empty()) {
      std::shared_ptr<Connection> self = this->shared_from_this();  // not a co_await temporary
      bool written = co_await write_chunk(self, piece.bytes);
      if (!written) {
        source->cancel();
        break;
      }
    }
    if (piece.end) {
      completed = true;
      break;
    }
  }
  pending_source_.reset();
  co_await stop_watching();
  if (!completed || client_gone_) {
    abrupt_ = true;
    co_return false;
  }
  sent = co_await write(view(kLastChunk));
  co_return sent;
}

// The completion of a callback-style operation (BodySource::pull, Deferred::start), delivered on
// the connection's strand. std::function needs a copyable callable: the handler is shared.
template <class Result, class Start>
awaitable<Result> on_strand(Start start) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Result)>(
      [](auto handler, Start begin) {
        auto executor = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        begin([shared, executor](Result result) mutable {
          asio::post(executor, [shared, result = std::move(result)]() mutable {
            std::move(*shared)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(start));
}

template <class Stream>
awaitable<BodyPiece> Connection<Stream>::pull(std::shared_ptr<BodySource> source) {
  // The lambda holds a raw pointer (the frame owns the source): GCC 12 mishandles temporaries
  // with destructors in a co_await expression (a captured shared_ptr was found destroyed).
  BodySource* raw = source.get();
  BodyPiece piece = co_await on_strand<BodyPiece>(
      [raw](std::function<void(BodyPiece)> ready) { raw->pull(std::move(ready)); });
  co_return piece;
}

// Waits for a deferred response (a worker's answer) while watching the client: one that goes
// away cancels it at once.
template <class Stream>
awaitable<Response> Connection<Stream>::await_deferred(std::shared_ptr<Deferred> deferred) {
  start_watching();
  pending_deferred_ = deferred;
  Response response;
  try {
    Deferred* raw = deferred.get();  // as in pull(): no destructor in the co_await expression
    response = co_await on_strand<Response>(
        [raw](std::function<void(Response)> done) { raw->start(std::move(done)); });
  } catch (...) {
    response = internal_error();
  }
  pending_deferred_.reset();
  co_await stop_watching();
  co_return response;
}

template <class Stream>
awaitable<bool> Connection<Stream>::write_chunk(std::shared_ptr<Connection> self,
                                                std::string_view bytes) {
  std::string prefix = chunk_prefix(bytes.size());
  std::array<asio::const_buffer, 3> buffers{view(prefix), view(bytes), view(kChunkSuffix)};
  bool sent = co_await self->write(buffers);
  if (!sent) self->client_gone_ = true;
  co_return sent;
}

// While a stream runs: a read that ends (EOF, reset) means the client is gone, at once, however
// long the stream waits for its next bytes. What it reads (a pipelined request) is kept.
template <class Stream>
awaitable<void> Connection<Stream>::watch_client(std::shared_ptr<Connection> self) {
  while (!self->stop_watch_ && self->buffer_.size() < kMaxHeadBytes) {
    beast::error_code error;
    std::size_t n =
        co_await self->stream_.async_read_some(self->buffer_.prepare(kIdleReadSize), with(error));
    self->buffer_.commit(n);
    if (error) {
      if (!self->stop_watch_) {
        self->client_gone_ = true;
        self->cancel_pending();
      }
      break;
    }
  }
  self->watching_ = false;
  self->watch_done_.cancel();
}

template <class Stream>
awaitable<void> Connection<Stream>::stop_watching() {
  if (!watching_) co_return;
  stop_watch_ = true;
  beast::error_code error;
  socket_.cancel(error);
  co_await watch_done_.async_wait(with(error));  // returns when watch_client has ended
}

template <class Stream>
awaitable<void> Connection<Stream>::refuse(EngineRefusal refusal) {
  Response response = refusal_response(refusal);
  co_await respond(response, true, false);
}

template <class Stream>
template <class Buffers>
awaitable<bool> Connection<Stream>::write(Buffers buffers) {
  deadline_.arm(Clock::now() + shared_.options.write_timeout, Deadline::OnExpiry::kClose);
  beast::error_code error;
  co_await asio::async_write(stream_, buffers, with(error));
  deadline_.disarm();
  if (error) abrupt_ = true;
  co_return !error;
}

template <class Stream>
awaitable<void> Connection<Stream>::close() {
  beast::error_code error;
  if (!abrupt_) {
    if constexpr (kTls) {
      deadline_.arm(Clock::now() + kTlsShutdownTime, Deadline::OnExpiry::kClose);
      co_await stream_.async_shutdown(with(error));
      deadline_.disarm();
    }
    socket_.shutdown(tcp::socket::shutdown_send, error);
    if (!error) co_await linger();
  }
  socket_.close(error);
}

template <class Stream>
awaitable<void> Connection<Stream>::linger() {
  deadline_.arm(Clock::now() + kLingerTime, Deadline::OnExpiry::kClose);
  std::array<char, 4096> dropped;
  std::size_t total = 0;
  while (total < kLingerBytes && socket_.is_open()) {
    beast::error_code error;
    std::size_t n = co_await socket_.async_read_some(asio::buffer(dropped), with(error));
    if (error) break;
    total += n;
  }
  deadline_.disarm();
}

}  // namespace

awaitable<void> serve_connection(tcp::socket socket, EngineShared& shared,
                                 asio::ssl::context* tls) {
  if (tls == nullptr) {
    auto connection = std::make_shared<Connection<tcp::socket>>(shared, std::move(socket));
    co_await Connection<tcp::socket>::run(std::move(connection));
  } else {
    auto connection = std::make_shared<Connection<TlsStream>>(shared, std::move(socket), *tls);
    co_await Connection<TlsStream>::run(std::move(connection));
  }
}

}  // namespace smg::server
