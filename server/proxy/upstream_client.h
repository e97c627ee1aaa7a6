// UpstreamClient: the gateway's outbound HTTP/1.1 to inference workers, on the engine's own
// I/O threads (Boost.Beast client coroutines on the listener's IoRuntime), so that a request
// waiting for a worker or a stream being relayed holds no thread.
//
// send() delivers the whole response; open() delivers as soon as the worker's status line and
// headers are in, so the gateway can answer with the worker's real status, and the body is then
// pulled piece by piece from the UpstreamStream (a BodySource: the next read from the worker
// starts only when the client has taken the last piece, so a slow client slows the worker's
// socket and memory stays bounded). cancel() on the returned call, or on the stream, closes the
// worker connection at once.
//
// Connections are kept alive per worker origin (connection_pool.h): bounded per origin, closed
// after an idle timeout, reused only after a complete response. A pooled connection that turns
// out to be broken before any response byte arrived (the worker closed it while idle) is retried
// once on a fresh connection: always for idempotent methods, and for others only when the worker
// closed it without reading (EOF or reset), as libcurl did. Redirects are never followed;
// proxies are never used. Any HTTP status from the worker (4xx/5xx included) is a result;
// transport failures are Status values with reason "upstream_connect_failed",
// "upstream_timeout", "upstream_too_large", "upstream_failed" or, after cancel(),
// "upstream_aborted" (see http_status_for()).
// Thread-safety: one UpstreamClient is used from any thread; callbacks run on an I/O thread and
// must not block.
//
//   UpstreamClient client(io, {});
//   auto call = client.open({.method = "POST", .url = worker + "/v1/chat/completions",
//                            .body = body},
//                           [](Result<std::shared_ptr<UpstreamStream>> opened) { ... });
//   call->cancel();  // the client went away
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "server/http/exchange.h"
#include "server/http/io_runtime.h"

namespace smg::proxy {

namespace internal {
class ConnectionPool;
}  // namespace internal

// Header lines in arrival order; names keep the case they were sent with.
using UpstreamHeaders = std::vector<std::pair<std::string, std::string>>;

// First value of header `name` (case-insensitive), or nullopt.
std::optional<std::string> find_header(const UpstreamHeaders& headers, std::string_view name);

struct UpstreamRequest {
  std::string method = "GET";
  std::string url{};  // worker base URL + path (+ query), e.g. "http://10.0.0.7:8000/generate"
  // Sent as given, except Content-Length, Transfer-Encoding, Connection and the other hop-by-hop
  // headers, which the client owns; Host is the URL's unless given.
  UpstreamHeaders headers{};
  std::string body{};  // sent when non-empty, or always for POST/PUT/PATCH
  std::chrono::milliseconds timeout{std::chrono::seconds(1800)};       // whole exchange
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // TCP (+TLS) setup
};

struct UpstreamResponse {
  int status = 0;
  // Hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding, ...) are removed: they
  // describe the gateway-worker hop, and the body here is already de-chunked.
  UpstreamHeaders headers{};
  std::string body{};

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// An exchange in flight. cancel() ends it: the worker sees its connection closed, and the
// callback still runs once (with "upstream_aborted" unless it already had its result).
class UpstreamCall {
 public:
  virtual ~UpstreamCall() = default;
  virtual void cancel() = 0;
};

// A response whose body has not been read yet; pull() reads it (server::BodySource). Destroying
// it, or cancel(), before the body ends closes the worker connection.
class UpstreamStream : public server::BodySource {
 public:
  int status() const { return status_; }
  const UpstreamHeaders& headers() const { return headers_; }  // hop-by-hop headers removed
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers_, name);
  }
  // Why the body ended: OK after the whole body, else "upstream_aborted", "upstream_timeout",
  // "upstream_failed". Valid once a pull delivered end or failed.
  virtual Status end_status() const = 0;
  virtual std::size_t bytes_relayed() const = 0;

 protected:
  int status_ = 0;
  UpstreamHeaders headers_;
};

struct UpstreamClientOptions {
  std::size_t max_response_bytes = std::size_t{512} << 20;  // send() only; "upstream_too_large"
  // Idle keep-alive connections kept per worker, and in all. Enough for every call in flight
  // to keep its connection: a smaller pool closes connections under load, and each close is a
  // TIME_WAIT port on this side (at 256 calls in flight, 64 ran the loopback ports out in
  // seconds and the worker's breaker opened).
  std::size_t max_idle_per_origin = 1024;
  std::size_t max_idle_total = 8192;
  // Idle connections older than this are closed, not reused: below the 5 s keep-alive of
  // uvicorn (SGLang, vLLM), so the worker rarely closes one just as it is reused.
  std::chrono::milliseconds idle_timeout{4000};
  // Connections to link-local and metadata addresses fail (server/workers/worker_target.h);
  // false with --allow-link-local-workers.
  bool refuse_link_local = true;
};

class UpstreamClient {
 public:
  using SendDone = std::function<void(Result<UpstreamResponse>)>;
  using OpenDone = std::function<void(Result<std::shared_ptr<UpstreamStream>>)>;

  // REQUIRES: io outlives the client and runs while calls are in flight.
  UpstreamClient(server::IoRuntime& io, UpstreamClientOptions options = {});
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // The whole response, body capped at options.max_response_bytes; done runs once.
  std::shared_ptr<UpstreamCall> send(UpstreamRequest request, SendDone done) const;
  // Delivers once the final (non-1xx) status line and headers are in.
  std::shared_ptr<UpstreamCall> open(UpstreamRequest request, OpenDone done) const;
  // send() for a thread that may block (never an I/O thread).
  Result<UpstreamResponse> send_and_wait(UpstreamRequest request) const;
  // Runs f on an I/O thread after `delay` (retry back-off) unless the returned call is
  // cancelled first.
  std::shared_ptr<UpstreamCall> after(std::chrono::milliseconds delay,
                                      std::function<void()> f) const;

  std::size_t idle_connections() const;

 private:
  server::IoRuntime& io_;
  UpstreamClientOptions options_;
  // Exchanges run on the calling I/O thread's context and take that thread's connections
  // first (connection_pool.h).
  std::shared_ptr<internal::ConnectionPool> pool_;
};

// Gateway status for a failed upstream exchange: 504 for "upstream_timeout", else 502.
// REQUIRES: !status.ok()
int http_status_for(const Status& status);

}  // namespace smg::proxy
