#include "server/proxy/data_plane_proxy.h"

#include <strings.h>

#include <array>
#include <random>
#include <thread>

#include "server/proxy/forwarding_headers.h"
#include "server/proxy/request_fields.h"

namespace smg::proxy {
namespace {

using server::Response;
using server::error_response;

// Request headers that never go to a worker besides the hop-by-hop ones (is_hop_by_hop):
// credentials (replaced by the worker's own key), cookies, and what the HTTP layer owns.
// Accept-Encoding too: the worker's body is relayed without its Content-Encoding and our
// listener compresses for the caller itself.
constexpr std::array<const char*, 8> kDroppedHeaders = {
    "authorization",  "x-api-key",           "cookie",       "host",
    "content-length", "proxy-authorization", "x-request-id", "accept-encoding"};

bool dropped(const std::string& name) {
  for (const char* d : kDroppedHeaders) {
    if (strcasecmp(name.c_str(), d) == 0) return true;
  }
  return false;
}

Response pick_error(const Status& status, const std::string& model) {
  if (status.reason() == "model_not_found") {
    std::string shown = model.substr(0, 256);
    return error_response(404, "invalid_request_error",
                          "The model '" + shown + "' does not exist or no worker serves it",
                          "model_not_found");
  }
  return error_response(503, "service_unavailable", "No available workers to serve the request",
                        "no_available_workers");
}

Response upstream_error(const Status& status) {
  int code = http_status_for(status);
  const char* message = code == 504 ? "The worker did not answer in time"
                                    : "Could not reach a worker for the request";
  return error_response(code, "upstream_error", message, status.reason());
}

}  // namespace

struct DataPlaneProxy::Prepared {
  std::string model;
  bool stream = false;
  routing::RoutingKey key;
  bool caller_authenticated = false;
  ForwardInfo* info = nullptr;  // may be null
};

DataPlaneProxy::DataPlaneProxy(routing::Router& router, const UpstreamClient& upstream,
                               const workers::WorkerRegistry& registry, ProxyOptions options,
                               metrics::Registry& metrics)
    : router_(router), upstream_(upstream), registry_(registry), options_(std::move(options)),
      upstream_latency_(metrics.histogram("smg_upstream_latency_seconds",
                                          "Time from forwarding to the worker's response headers",
                                          {}, metrics::latency_buckets())),
      streams_in_flight_(metrics.gauge("smg_streams_in_flight", "Streaming responses in progress")) {
}

UpstreamHeaders DataPlaneProxy::upstream_headers(const server::Request& request,
                                                 bool caller_authenticated,
                                                 const workers::Worker& worker) const {
  UpstreamHeaders headers;
  for (const auto& [name, value] : request.headers) {
    if (!dropped(name) && !is_hop_by_hop(name, request)) headers.emplace_back(name, value);
  }
  add_forwarding_headers(request, headers);
  // The registry gave every worker without a key of its own the --api-key one.
  crypto::Secret worker_key = worker.api_key();
  if (!worker_key.empty()) {
    headers.emplace_back("Authorization", "Bearer " + worker_key.reveal());
  } else if (!caller_authenticated) {
    // Nothing configured on our side: the caller's header is the worker's business (SMG).
    if (auto auth = request.header("Authorization")) headers.emplace_back("Authorization", *auth);
  }
  if (!find_header(headers, "content-type")) headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("x-request-id", request.request_id);
  return headers;
}

std::chrono::milliseconds DataPlaneProxy::backoff(int attempt) const {
  const auto& r = options_.retry;
  double ms = static_cast<double>(r.initial_backoff.count());
  for (int i = 0; i < attempt; ++i) ms *= r.backoff_multiplier;
  ms = std::min(ms, static_cast<double>(r.max_backoff.count()));
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(-r.jitter_factor, r.jitter_factor);
  return std::chrono::milliseconds(static_cast<int64_t>(ms * (1.0 + jitter(rng))));
}

Response DataPlaneProxy::forward(const server::Request& request, bool caller_authenticated,
                                 admission::Permit permit, ForwardInfo* info) {
  Prepared prepared;
  prepared.caller_authenticated = caller_authenticated;
  prepared.info = info;
  if (!request.body.empty()) {
    auto fields = read_request_fields(request.body, router_.policy().uses_request_text());
    if (!fields) {
      return error_response(400, "invalid_request_error", "Request body must be a JSON object",
                            "invalid_json");
    }
    prepared.model = std::move(fields->model);
    prepared.stream = fields->stream;
    prepared.key.text = std::move(fields->text);
  }
  if (info != nullptr) {
    info->model = prepared.model;
    info->stream = prepared.stream;
  }
  if (prepared.stream) {
    return forward_stream(request, prepared, std::move(permit));
  }
  return forward_buffered(request, prepared);
}

// Picks a worker and runs `attempt` against it; a connect failure is recorded on that worker and
// retried on a new pick after a backoff, anything else ends the loop. `attempt` owns the lease on
// success (a stream keeps it until the body is done).
template <typename Attempt>
Response DataPlaneProxy::with_retries(const server::Request& request, const Prepared& prepared,
                                      Attempt attempt) {
  Status last_error;
  int max_attempts = options_.retry.enabled ? options_.retry.max_retries + 1 : 1;
  for (int n = 0; n < max_attempts; ++n) {
    if (n > 0) std::this_thread::sleep_for(backoff(n - 1));
    auto lease = router_.pick(prepared.model, prepared.key);
    if (!lease.ok()) {
      return last_error.ok() ? pick_error(lease.status(), prepared.model) : upstream_error(last_error);
    }
    if (prepared.info != nullptr) prepared.info->worker = lease->worker().url();
    UpstreamRequest upstream{request.method, lease->worker().url() + request.path,
                             upstream_headers(request, prepared.caller_authenticated, lease->worker()),
                             request.body, options_.request_timeout, options_.connect_timeout,
                             prepared.stream};
    auto started = std::chrono::steady_clock::now();
    Result<Response> response = attempt(*lease, upstream);
    if (response.ok()) {
      if (prepared.info != nullptr) prepared.info->upstream_status = response->status;
      upstream_latency_.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      return std::move(*response);
    }
    lease->record_failure();
    last_error = response.status();
    if (last_error.reason() != "upstream_connect_failed") break;
  }
  return upstream_error(last_error);
}

Response DataPlaneProxy::forward_buffered(const server::Request& request, Prepared& prepared) {
  return with_retries(request, prepared,
                      [&](routing::WorkerLease& lease, const UpstreamRequest& upstream)
                          -> Result<Response> {
    auto result = upstream_.send(upstream);
    if (!result.ok()) return result.status();
    result->status >= 500 ? lease.record_failure() : lease.record_success();
    Response response;
    response.status = result->status;
    response.content_type = result->header("content-type").value_or("application/json");
    response.body = std::move(result->body);
    return response;
  });
}

Response DataPlaneProxy::forward_stream(const server::Request& request, Prepared& prepared,
                                        admission::Permit permit) {
  return with_retries(request, prepared,
                      [&](routing::WorkerLease& lease, const UpstreamRequest& upstream)
                          -> Result<Response> {
    auto opened = upstream_.open(upstream);
    if (!opened.ok()) return opened.status();
    Response response;
    response.status = (*opened)->status();
    response.content_type = (*opened)->header("content-type").value_or("text/event-stream");
    response.set_header("Cache-Control", "no-cache");
    // Everything the stream needs lives until the response body is finished or abandoned.
    struct StreamState {
      std::unique_ptr<UpstreamStream> upstream;
      routing::WorkerLease lease;
      admission::Permit permit;
    };
    auto state = std::make_shared<StreamState>(
        StreamState{std::move(*opened), std::move(lease), std::move(permit)});
    metrics::Gauge* in_flight = &streams_in_flight_;
    response.stream = [state, in_flight](server::StreamSink& sink) {
      in_flight->add(1);
      bool completed = state->upstream->pump(sink);
      in_flight->add(-1);
      bool worker_ok = completed || state->upstream->end_status().reason() == "client_disconnected";
      worker_ok && state->upstream->status() < 500 ? state->lease.record_success()
                                                   : state->lease.record_failure();
      return completed;
    };
    return response;
  });
}

namespace {

nlohmann::json model_object(const std::string& id) {
  return {{"id", id}, {"object", "model"}, {"created", 0}, {"owned_by", "smg"}};
}

}  // namespace

Response DataPlaneProxy::list_models() const {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& id : router_.models()) data.push_back(model_object(id));
  return server::json_response(200, {{"object", "list"}, {"data", data}});
}

Response DataPlaneProxy::get_model(const std::string& id) const {
  for (const auto& model : router_.models()) {
    if (model == id) return server::json_response(200, model_object(model));
  }
  // The id is the caller's own text: capped, and sent back only inside JSON.
  std::string shown = id.size() > 256 ? id.substr(0, 256) + "..." : id;
  return server::error_response(404, "invalid_request_error",
                                "The model '" + shown + "' does not exist", "model_not_found");
}

Response DataPlaneProxy::flush_cache(const std::string& request_id) const {
  auto workers = registry_.snapshot();
  nlohmann::json failed = nlohmann::json::array();
  int flushed = 0;
  for (const auto& worker : *workers) {
    UpstreamHeaders headers{{"x-request-id", request_id}};
    crypto::Secret worker_key = worker->api_key();
    if (!worker_key.empty()) headers.emplace_back("Authorization", "Bearer " + worker_key.reveal());
    UpstreamRequest request{"POST", worker->url() + "/flush_cache", headers, "",
                            std::chrono::seconds(30), options_.connect_timeout};
    auto result = upstream_.send(request);
    if (result.ok() && result->status < 300) {
      ++flushed;
    } else {
      std::string error = result.ok() ? "HTTP " + std::to_string(result->status)
                                      : result.status().reason();
      failed.push_back({{"worker", worker->url()}, {"error", error}});
    }
  }
  int total = static_cast<int>(workers->size());
  bool all = failed.empty();
  return server::json_response(all ? 200 : 206,
                               {{"status", all ? "success" : "partial_success"},
                                {"message", "Flushed " + std::to_string(flushed) + " of " +
                                                std::to_string(total) + " workers"},
                                {"workers_flushed", flushed},
                                {"total_workers", total},
                                {"failed", failed}});
}

}  // namespace smg::proxy
