// DataPlaneProxy: one OpenAI-style request from an authenticated caller to a worker and back.
// Reads `model` and `stream` from the JSON body, picks a worker (Router), rewrites credentials
// (the caller's never reach the worker; the worker gets its own key), forwards with the
// UpstreamClient, and maps failures: unknown model 404 `model_not_found`, none usable 503
// `no_available_workers`, connect failure 502, timeout 504. Connect failures are retried on
// another pick with exponential backoff (bounded, on a timer: no thread waits); nothing is
// retried once a worker answered. The answer is a deferred Response (exchange.h): no thread
// waits for the worker; streams are a BodySource relayed piece by piece, and a client that
// leaves cancels the worker's exchange at once. The admission permit is held until the answer
// is complete, a stream's to its end.
// Thread-safety: forward() is called from many threads.
//
//   DataPlaneProxy proxy(router, upstream, registry, options, metrics);
//   auto info = std::make_shared<ForwardInfo>();
//   Response r = proxy.forward(request, caller_authenticated, std::move(permit), info);
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/crypto/crypto.h"
#include "server/admission/admission_controller.h"
#include "server/http/exchange.h"
#include "server/metrics/metrics.h"
#include "server/proxy/upstream_client.h"
#include "server/routing/router.h"
#include "server/workers/worker_registry.h"

namespace smg::proxy {

struct RetryOptions {
  bool enabled = true;                           // --disable-retries turns it off
  int max_retries = 5;                           // --retry-max-retries
  std::chrono::milliseconds initial_backoff{50};   // --retry-initial-backoff-ms
  std::chrono::milliseconds max_backoff{30000};    // --retry-max-backoff-ms
  double backoff_multiplier = 1.5;               // --retry-backoff-multiplier
  double jitter_factor = 0.2;                    // --retry-jitter-factor
};

struct ProxyOptions {
  RetryOptions retry;
  std::chrono::seconds request_timeout{1800};  // --request-timeout-secs
  std::chrono::seconds connect_timeout{5};
};

// What forward() learnt about a request, for the request log: filled as far as it got.
struct ForwardInfo {
  std::string model;
  bool stream = false;
  std::string worker;       // URL of the last worker tried; empty when none was picked
  int upstream_status = 0;  // the worker's HTTP status; 0 when no worker answered
};

class DataPlaneProxy {
 public:
  DataPlaneProxy(routing::Router& router, const UpstreamClient& upstream,
                 const workers::WorkerRegistry& registry, ProxyOptions options,
                 metrics::Registry& metrics);

  // `caller_authenticated`: the gateway verified a credential, so the caller's own credential
  // headers are dropped; otherwise they pass through unless the worker has a key (SMG).
  // REQUIRES: `request` outlives the deferred answer (the engine keeps it until the response,
  // a stream's included, is done). `info` is filled as the exchange goes; may be null.
  server::Response forward(const server::Request& request, bool caller_authenticated,
                           admission::Permit permit, std::shared_ptr<ForwardInfo> info = nullptr);
  server::Response list_models() const;
  // GET /v1/models/{id}: the model in OpenAI's shape, or 404 model_not_found.
  server::Response get_model(const std::string& id) const;
  // POST /flush_cache on every worker: 200 when all succeeded, else 206 with `failed`.
  server::Response flush_cache(const std::string& request_id) const;

 private:
  class ForwardCall;
  UpstreamHeaders upstream_headers(const server::Request& request, bool caller_authenticated,
                                   const workers::Worker& worker) const;
  std::chrono::milliseconds backoff(int attempt) const;

  routing::Router& router_;
  const UpstreamClient& upstream_;
  const workers::WorkerRegistry& registry_;
  ProxyOptions options_;
  metrics::Histogram& upstream_latency_;
  metrics::Gauge& streams_in_flight_;
};

}  // namespace smg::proxy
