#include "server/http/listener.h"

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
  if (!res.body.empty()) {
    return;
  }
  ConnectionStream* connection = current_connection();
  if (res.status == 400 && connection != nullptr && connection->long_header_line()) {
    res.status = 431;
  }
  const char* type = "invalid_request_error";
  std::string message = "Malformed HTTP request";
  if (res.status == 413) {
    type = "payload_too_large";
    message = "Request body too large";
  } else if (res.status == 431) {
    type = "request_header_fields_too_large";
    message = "A request header line is longer than 8192 bytes";
  }
  Response body = error_response(res.status, type, message);
  for (const auto& [name, value] : body.headers) res.set_header(name, value);
  res.set_content(body.body, "application/json");
}

// A header name that is not a token, or a value holding CR, LF, NUL or another control
// character (raw, or made so by httplib's percent-decoding of values), is refused before the
// gateway sees the request, and the connection is closed after the 400.
bool refuse_invalid_headers(const httplib::Request& req, httplib::Response& res) {
  if (!first_invalid_header(req.headers)) return false;
  Response body = error_response(400, "invalid_request_error",
                                 "A request header has an invalid name or value",
                                 "invalid_header");
  res.status = 400;
  for (const auto& [name, value] : body.headers) res.set_header(name, value);
  res.set_header("Connection", "close");
  res.set_content(body.body, "application/json");
  if (ConnectionStream* connection = current_connection()) connection->close_after_response();
  return true;
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
    epoll.timeouts = {options.read_timeout, options.write_timeout};
    epoll.keep_alive = {options.keep_alive_max_requests, options.keep_alive_timeout};
    epoll.tls = tls_ ? tls_->get() : nullptr;
    epoll_ = std::make_unique<EpollServer>(
        epoll, [parser = &parser_](ConnectionStream& stream, bool close, bool& closed) {
          return parser->process(stream, close, closed);
        });
  }
  httplib::Server& server() { return parser_; }
  bool tls() const { return tls_ != nullptr || !tls_error_.ok(); }

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

Listener::Listener(ListenerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)),
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
  httplib::Server::Handler dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    if (refuse_invalid_headers(req, res)) return;
    Request request = to_request(req);
    Response response = handler_(request);
    if (response.stream) {
      ServingThreads::hand_off_current();  // a stream holds this thread: a replacement serves
    }
    bool body_follows = !response.stream && !response.body.empty() && req.method != "HEAD";
    write_response(std::move(response), res);
    if (ConnectionStream* connection = current_connection(); body_follows && connection) {
      connection->expect_body_after_head();  // head and body leave in one segment
    }
  };
  const std::string any = ".*";
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

}  // namespace smg::server
