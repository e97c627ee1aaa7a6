// UpstreamClient: the gateway's outbound HTTP to inference workers (libcurl multi interface).
//
// send() returns a whole response; open() returns as soon as the worker's status line and
// headers are in, so the gateway can answer with the worker's real status, and the body is then
// relayed chunk by chunk with UpstreamStream::pump(). Every transfer is driven on the calling
// thread (no thread per stream). Keep-alive connections are kept in a pool and reused across
// requests and threads. Redirects are never followed and proxy environment variables are ignored.
// Any HTTP status from the worker (4xx/5xx included) is a successful result; transport failures
// are Status values with reason "upstream_connect_failed", "upstream_timeout",
// "upstream_too_large" or "upstream_failed" (see http_status_for()).
// Thread-safety: one UpstreamClient may be used by many threads at once; an UpstreamStream
// belongs to one thread at a time.
//
//   smg::proxy::UpstreamClient client;
//   auto stream = client.open({.method = "POST", .url = worker + "/v1/chat/completions",
//                              .headers = {{"Content-Type", "application/json"}}, .body = body});
//   if (!stream.ok()) { return error_response(http_status_for(stream.status()), ...); }
//   response.status = (*stream)->status();   // then in response.stream: (*stream)->pump(sink)
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

namespace smg::proxy {

namespace internal {
class LanePool;
class Transfer;
}  // namespace internal

// Header lines in arrival order; names keep the case they were sent with.
using UpstreamHeaders = std::vector<std::pair<std::string, std::string>>;

// First value of header `name` (case-insensitive), or nullopt.
std::optional<std::string> find_header(const UpstreamHeaders& headers, std::string_view name);

struct UpstreamRequest {
  std::string method = "GET";
  std::string url{};  // worker base URL + path (+ query), e.g. "http://10.0.0.7:8000/generate"
  // Sent as given, except Host, Content-Length, Transfer-Encoding, Connection and other
  // hop-by-hop headers, which libcurl owns. No Accept/Content-Type/Expect is added by default.
  UpstreamHeaders headers{};
  std::string body{};  // sent when non-empty, or always for POST/PUT/PATCH
  std::chrono::milliseconds timeout{std::chrono::seconds(1800)};       // whole exchange
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};  // TCP (+TLS) setup
  bool stream = false;  // informational: open() streams, send() buffers, whatever this says
  // Polled about every 50 ms while waiting on the worker; returning true aborts the transfer
  // (reason "upstream_aborted"), e.g. when the gateway's client has gone away.
  std::function<bool()> abort_if{};
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

// A response whose body has not been read yet. Destroying it before the body ends aborts the
// transfer: the worker sees its connection closed.
class UpstreamStream {
 public:
  explicit UpstreamStream(std::unique_ptr<internal::Transfer> transfer);
  ~UpstreamStream();
  UpstreamStream(const UpstreamStream&) = delete;
  UpstreamStream& operator=(const UpstreamStream&) = delete;

  int status() const;
  const UpstreamHeaders& headers() const;  // hop-by-hop headers removed, as in UpstreamResponse
  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers(), name);
  }

  // Relays body bytes to `sink` as they arrive until the worker's response ends (true). Returns
  // false, after aborting the transfer, as soon as sink.write() fails or the client is no longer
  // connected (noticed within ~50 ms even while the worker is silent), or on a transport error;
  // end_status() then says why ("client_disconnected", "upstream_timeout", ...).
  // A second call returns the first call's result without writing anything.
  bool pump(smg::server::StreamSink& sink);
  const Status& end_status() const;
  std::size_t bytes_relayed() const;

 private:
  std::unique_ptr<internal::Transfer> transfer_;
};

struct UpstreamClientOptions {
  std::size_t max_response_bytes = std::size_t{512} << 20;  // send() only; "upstream_too_large"
  std::size_t max_idle_lanes = 256;   // idle curl handles (each with its keep-alive connections)
  long max_connections_per_lane = 8;  // idle keep-alive connections one lane keeps (any workers)
  std::chrono::seconds idle_lane_ttl{60};  // lanes unused this long are closed
  // Connections to link-local and metadata addresses fail (server/workers/worker_target.h);
  // false with --allow-link-local-workers.
  bool refuse_link_local = true;
};

class UpstreamClient {
 public:
  explicit UpstreamClient(UpstreamClientOptions options = {});
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // The whole response, body capped at options.max_response_bytes.
  Result<UpstreamResponse> send(const UpstreamRequest& request) const;
  // Returns once the final (non-1xx) status line and headers are in; read the body with pump().
  Result<std::unique_ptr<UpstreamStream>> open(const UpstreamRequest& request) const;

 private:
  UpstreamClientOptions options_;
  std::shared_ptr<internal::LanePool> pool_;
};

// Gateway status for a failed upstream exchange: 504 for "upstream_timeout", else 502.
// REQUIRES: !status.ok()
int http_status_for(const Status& status);

}  // namespace smg::proxy
