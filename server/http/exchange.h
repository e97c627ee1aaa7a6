// The gateway's own view of an HTTP exchange, independent of the HTTP engine (Boost.Beast on
// Asio today), so that auth, routing and proxy decisions never touch engine types. The listener
// (server/http/listener.h, request_head.h) converts at the edge.
//
//   smg::server::Response r = smg::server::json_response(200, {{"ok", true}});
//   r.set_header("x-request-id", id);
//   // Streaming: set `stream`; the adapter sends a chunked body and calls it once.
//   r.stream = [](smg::server::StreamSink& sink) { return sink.write("data: hi\n\n"); };
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smg::server {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // decoded path without the query, e.g. "/workers/1f0c..."
  std::map<std::string, std::string> query;  // decoded query parameters (last value wins)
  std::string query_string;  // the query as sent, without the '?' (empty when none)
  HeaderMap headers;
  std::string body;
  std::string remote_addr;
  int remote_port = 0;
  bool tls = false;
  std::string request_id;  // set by the request-id step
  // What the head screen (Listener's HeadScreen) decided before the body was read, for the
  // handler to reuse; null when no screen ran.
  std::shared_ptr<const void> screen_state;
  // The body limit the head screen chose for this request's route (0: the listener's
  // max_payload_bytes). The engine holds a chunked body to it as it reads (a declared length
  // over it is the screen's own 413).
  std::size_t body_limit = 0;

  // First value of a header, or nullopt.
  std::optional<std::string> header(const std::string& name) const;
  std::string query_param(const std::string& name) const;  // empty when absent
};

// One piece of a body produced without a thread (BodySource): bytes, then the end, or a failure
// (the response is cut short: the client sees its connection closed).
struct BodyPiece {
  std::string bytes;
  bool end = false;
  bool failed = false;
};

// A streamed body that holds no thread while it waits for its next bytes (an upstream stream, a
// timer). The engine calls pull() for the next piece only once it has written the previous one
// (backpressure), and cancel() as soon as the client goes away or the engine stops.
// Thread-safety: pull() and cancel() may come from any thread, and cancel() during a pull.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Calls ready exactly once, from any thread (possibly before pull returns), with the next
  // piece. After cancel() a pending or later pull gets {failed = true} promptly.
  virtual void pull(std::function<void(BodyPiece)> ready) = 0;
  virtual void cancel() = 0;
};

struct Response;

// A response that is not known yet (waiting for a worker) and holds no thread meanwhile.
// Thread-safety: cancel() may come from any thread, during start() too.
class Deferred {
 public:
  virtual ~Deferred() = default;
  // Calls done exactly once, from any thread (possibly before start returns).
  virtual void start(std::function<void(Response)> done) = 0;
  // The client is gone: give up at once; done still runs (with any Response).
  virtual void cancel() = 0;
};

// Where a streamed body goes. write() returns false once the client is gone: stop producing.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual bool write(std::string_view bytes) = 0;
  virtual bool client_connected() const = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is produced by this function (chunked transfer), called once on a
  // blocking-pool thread (never for a HEAD request); returning false aborts the response.
  std::function<bool(StreamSink&)> stream;
  // When set (and `stream` is not), the body comes from this source, chunked, pulled piece by
  // piece without a thread.
  std::shared_ptr<BodySource> source;
  // When set, the real response is this one's result: everything else here is ignored.
  std::shared_ptr<Deferred> deferred;

  // Whether the body is produced after the head (stream or source).
  bool streams() const { return static_cast<bool>(stream) || static_cast<bool>(source); }

  // Replaces any header of that name.
  void set_header(std::string name, std::string value);
  // Appends, keeping earlier headers of the same name (several Set-Cookie lines).
  void add_header(std::string name, std::string value);
  std::optional<std::string> header(std::string_view name) const;
};

// `response` passed through `next` once it is known: at once, or when a deferred one completes
// (then on the thread that completes it, which must not block).
Response then(Response response, std::function<Response(Response)> next);

Response json_response(int status, const nlohmann::json& body);
Response text_response(int status, std::string body, std::string content_type = "text/plain");

// {"error": {"type": type, "message": message, "code"?: code}} with Cache-Control: no-store.
// The message must never contain a credential.
Response error_response(int status, const std::string& type, const std::string& message,
                        const std::string& code = "");

// Admin and caller-token errors: {"error":{"type":T,"message":T}} with
// Cache-Control: no-store, Pragma: no-cache and X-Content-Type-Options: nosniff.
Response admin_error_response(int status, const std::string& type);

}  // namespace smg::server
