#include "server/http/listener.h"

#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "common/log/logger.h"
#include "server/http/connection_stream.h"
#include "server/http/epoll_server.h"
#include "server/http/header_syntax.h"
#include "server/http/parsing_server.h"
#include "server/http/serving_threads.h"
#include "server/http/tls_context.h"

namespace smg::server {
namespace {

// Serving threads block while a worker answers (the upstream call is synchronous), so a few per
// core keep both the cores and the workers busy; more only add context switches.
std::size_t serving_threads(const ListenerOptions& options) {
  if (options.serving_threads > 0) {
    return options.serving_threads;
  }
  std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(4 * cores, 4, 64);
}

class HttplibSink final : public StreamSink {
 public:
  explicit HttplibSink(httplib::DataSink& sink) : sink_(sink) {}
  bool write(std::string_view bytes) override {
    return connected_ && (connected_ = sink_.write(bytes.data(), bytes.size()));
  }
  bool client_connected() const override { return connected_ && sink_.is_writable(); }

 private:
  httplib::DataSink& sink_;
  bool connected_ = true;
};

Request to_request(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [name, value] : in.params) {
    out.query[name] = value;
  }
  for (const auto& [name, value] : in.headers) {
    // httplib's REMOTE_ADDR and friends (and any client header of those names): the peer is in
    // remote_addr, and the pseudo-headers must never reach a worker.
    if (!is_library_pseudo_header(name)) out.headers.emplace(name, value);
  }
  // httplib does not read the body again once the handler has it (its Request is a local of
  // process_request, so taking it is well defined): no copy of a large request body.
  out.body = std::move(const_cast<httplib::Request&>(in).body);
  out.remote_addr = in.remote_addr;
  out.remote_port = in.remote_port;
  out.tls = in.ssl != nullptr;  // set by ParsingServer::process on TLS connections
  return out;
}

void write_response(Response&& in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [name, value] : in.headers) {
    out.set_header(name, value);
  }
  if (in.stream) {
    auto producer = std::make_shared<std::function<bool(StreamSink&)>>(std::move(in.stream));
    out.set_chunked_content_provider(in.content_type, [producer](size_t, httplib::DataSink& sink) {
      HttplibSink adapter(sink);
      bool completed = (*producer)(adapter);
      if (completed) {
        sink.done();
      }
      return completed;
    });
    return;
  }
  out.set_content(std::move(in.body), in.content_type);
}

// Errors httplib raises itself (413, 400, 414, ...) get the same JSON shape as ours. A header
// line over httplib's limit (8 KiB, e.g. a huge Authorization) is 431, not httplib's bare 400.
void json_engine_error(const httplib::Request&, httplib::Response& res) {
  ConnectionStream* connection = current_connection();
  // The gateway's own answers, a worker's relayed empty-bodied 4xx/5xx included, are not ours
  // to reshape: a worker error must not read as a gateway parse error.
  if (!res.body.empty() || (connection != nullptr && connection->handled())) {
    return;
  }
  if (res.status == 400 && connection != nullptr &&
      (connection->long_header_line() || connection->head_too_large())) {
    res.status = 431;
  }
  bool body_too_slow = connection != nullptr && connection->body_too_slow();
  if (res.status == 400 && connection != nullptr &&
      (connection->head_timed_out() || body_too_slow)) {
    res.status = 408;
  }
  // Nothing after an error on a connection is ever read as a request (RFC 9112 desync).
  if (res.status >= 400 && connection != nullptr) connection->close_after_response();
  const char* type = "invalid_request_error";
  std::string message = "Malformed HTTP request";
  if (res.status == 413) {
    type = "payload_too_large";
    message = "Request body too large";
  } else if (res.status == 408) {
    type = "request_timeout";
    message = body_too_slow ? "The request body arrived too slowly"
                            : "The request head did not arrive in time";
  } else if (res.status == 400 && connection != nullptr && connection->bad_chunk()) {
    message = "The chunked request body breaks RFC 9112 chunk framing";
  } else if (res.status == 431) {
    type = "request_header_fields_too_large";
    message = connection != nullptr && connection->head_too_large()
                  ? "The request head is over 64 KiB or 100 header fields"
                  : "A request header line is longer than 8192 bytes";
  }
  Response body = error_response(res.status, type, message);
  for (const auto& [name, value] : body.headers) res.set_header(name, value);
  res.set_content(body.body, "application/json");
}

// A header name that is not a token, or a value holding CR, LF, NUL or another control
// character (raw, or made so by httplib's percent-decoding of values), is refused before the
// gateway sees the request, and the connection is closed after the 400.
void refuse(httplib::Response& res, int status, const std::string& message, const char* code) {
  Response body = error_response(
      status, status == 411 ? "length_required" : "invalid_request_error", message, code);
  res.status = status;
  for (const auto& [name, value] : body.headers) res.set_header(name, value);
  res.set_header("Connection", "close");
  res.set_content(body.body, "application/json");
  if (ConnectionStream* connection = current_connection()) connection->close_after_response();
}

bool refuse_invalid_headers(const httplib::Request& req, httplib::Response& res) {
  if (!first_invalid_header(req.headers)) return false;
  refuse(res, 400, "A request header has an invalid name or value", "invalid_header");
  return true;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

// RFC 9112 framing, strictly (a front proxy that reads a request differently from us is how
// requests get smuggled): bare-LF lines, Content-Length with Transfer-Encoding, lengths that
// are not digits or disagree, a transfer coding other than chunked: 400. A POST/PUT/PATCH with
// no framing at all: 411. Each closes the connection.
bool refuse_bad_framing(const httplib::Request& req, httplib::Response& res,
                        const ConnectionStream* connection) {
  if (connection != nullptr && connection->bare_lf()) {
    refuse(res, 400, "A request head line ends in LF without CR", "invalid_framing");
    return true;
  }
  auto lengths = req.headers.equal_range("Content-Length");
  std::string length;
  for (auto it = lengths.first; it != lengths.second; ++it) {
    if (!all_digits(it->second) || (!length.empty() && it->second != length)) {
      refuse(res, 400, "Content-Length must be one decimal length", "invalid_framing");
      return true;
    }
    length = it->second;
  }
  bool chunked = req.has_header("Transfer-Encoding");
  if (chunked && (req.get_header_value_count("Transfer-Encoding") != 1 ||
                  strcasecmp(req.get_header_value("Transfer-Encoding").c_str(), "chunked") != 0)) {
    refuse(res, 400, "Transfer-Encoding must be chunked, once", "invalid_framing");
    return true;
  }
  if (chunked && !length.empty()) {
    refuse(res, 400, "Content-Length and Transfer-Encoding together", "invalid_framing");
    return true;
  }
  bool needs_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (needs_body && !chunked && length.empty()) {
    refuse(res, 411, "A request body needs Content-Length or chunked Transfer-Encoding",
           "length_required");
    return true;
  }
  return false;
}

}  // namespace

// Plain HTTP and HTTPS alike run on the EpollServer, httplib doing only the parsing.
class Listener::Engine {
 public:
  explicit Engine(const ListenerOptions& options) {
    if (!options.tls_cert_path.empty()) {
      auto loaded = TlsContext::load(options.tls_cert_path, options.tls_key_path);
      if (loaded.ok()) {
        tls_ = std::move(*loaded);
      } else {
        tls_error_ = loaded.status();
      }
    }
    EpollServerOptions epoll;
    epoll.threads = {.members = serving_threads(options),
                     .max_threads = options.max_threads};
    epoll.timeouts = {options.read_timeout, options.write_timeout, options.head_timeout,
                      options.body_timeout, options.body_min_rate};
    epoll.max_connections = options.max_connections;
    epoll.keep_alive = {options.keep_alive_max_requests, options.keep_alive_timeout};
    epoll.tls = tls_ ? tls_->get() : nullptr;
    epoll_ = std::make_unique<EpollServer>(
        epoll, [parser = &parser_](ConnectionStream& stream, bool close, bool& closed) {
          return parser->process(stream, close, closed);
        });
  }
  httplib::Server& server() { return parser_; }
  bool tls() const { return tls_ != nullptr || !tls_error_.ok(); }
  std::uint64_t refused_connections() const { return epoll_->refused_connections(); }

  Result<int> bind(const ListenerOptions& options) {
    if (!tls_error_.ok()) {
      return tls_error_;
    }
    auto port = epoll_->bind(options.host, options.port, options.listen_backlog);
    if (port.ok()) {
      parser_.set_listening_socket(epoll_->listening_socket());
    }
    return port;
  }
  bool serve() { return epoll_->serve(); }
  void stop() {
    parser_.set_listening_socket(INVALID_SOCKET);  // streams in progress end
    epoll_->stop();
  }

 private:
  ParsingServer parser_;
  std::unique_ptr<TlsContext> tls_;
  Status tls_error_;
  std::unique_ptr<EpollServer> epoll_;
};

Listener::Listener(ListenerOptions options, Handler handler, HeadScreen screen)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      screen_(std::move(screen)),
      engine_(std::make_unique<Engine>(options_)) {
  auto& server = engine_->server();
  server.set_keep_alive_timeout(options_.keep_alive_timeout.count());
  server.set_keep_alive_max_count(options_.keep_alive_max_requests);
  server.set_read_timeout(options_.read_timeout.count());
  server.set_write_timeout(options_.write_timeout.count());
  server.set_payload_max_length(options_.max_payload_bytes);
  server.set_tcp_nodelay(true);
  server.set_error_handler(json_engine_error);
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
    res.status = 500;
    res.set_content(R"({"error":{"type":"internal_error","message":"Internal server error"}})",
                    "application/json");
  });
  // Every request goes through the gateway's own router. The catch-all patterns are registered
  // per method because httplib reads the body only for routed handlers (its pre-routing hook runs
  // before the body is read).
  // The head first: framing and header syntax, then the gateway's screen (authentication and
  // the route's body limit), all before httplib reads a byte of the body.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    ConnectionStream* connection = current_connection();
    if (refuse_invalid_headers(req, res) || refuse_bad_framing(req, res, connection)) {
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib reads chunk sizes with strtoul (" 0x44" passes): the stream checks the grammar.
    if (connection != nullptr && req.has_header("Transfer-Encoding")) {
      connection->expect_chunked_body();
    }
    if (!screen_) return httplib::Server::HandlerResponse::Unhandled;
    Request head = to_request(req);
    std::optional<Response> refused = screen_(head);
    if (!refused) {
      if (connection != nullptr) connection->keep_head(std::move(head));
      return httplib::Server::HandlerResponse::Unhandled;
    }
    write_response(std::move(*refused), res);
    res.set_header("Connection", "close");
    if (connection != nullptr) {
      connection->mark_handled();
      connection->close_after_response();  // the unread body must never be read as a request
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  httplib::Server::Handler dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    ConnectionStream* connection = current_connection();
    std::optional<Request> head;
    if (connection != nullptr) {
      connection->mark_handled();
      head = connection->take_head();
    }
    Request request;
    if (head) {  // screened: the headers are converted already, only the body is new
      request = std::move(*head);
      request.body = std::move(const_cast<httplib::Request&>(req).body);
    } else {
      request = to_request(req);
    }
    Response response = handler_(request);
    if (response.stream) {
      ServingThreads::hand_off_current();  // a stream holds this thread: a replacement serves
    }
    bool body_follows = !response.stream && !response.body.empty() && req.method != "HEAD";
    write_response(std::move(response), res);
    if (body_follows && connection != nullptr) {
      connection->expect_body_after_head();  // head and body leave in one segment
    }
  };
  // Any path, a decoded CR or LF in it included, reaches the gateway (which refuses those).
  const std::string any = "[\\s\\S]*";
  server.Get(any, dispatch).Post(any, dispatch).Put(any, dispatch).Patch(any, dispatch);
  server.Delete(any, dispatch).Options(any, dispatch);
}

Listener::~Listener() { stop(); }

Result<int> Listener::bind() { return engine_->bind(options_); }

bool Listener::serve() { return engine_->serve(); }

void Listener::stop() {
  if (engine_) {
    engine_->stop();
  }
}

bool Listener::tls() const { return engine_->tls(); }

std::uint64_t Listener::refused_connections() const { return engine_->refused_connections(); }

}  // namespace smg::server
