#include "server/proxy/data_plane_proxy.h"

#include <strings.h>

#include <array>
#include <random>
#include <atomic>
#include <mutex>

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

// A worker's stream relayed to the client: the worker's lease and the admission permit are held
// until it ends, and its outcome is recorded on the worker once.
class RelayedStream final : public server::BodySource {
 public:
  RelayedStream(std::shared_ptr<UpstreamStream> upstream, routing::WorkerLease lease,
                admission::Permit permit, metrics::Gauge& in_flight)
      : upstream_(std::move(upstream)), lease_(std::move(lease)), permit_(std::move(permit)),
        in_flight_(in_flight) {
    in_flight_.add(1);
  }
  ~RelayedStream() override {
    in_flight_.add(-1);
    // Never pulled to its end: the client left (not the worker's fault) or never wanted it.
    if (!recorded_.exchange(true)) {
      upstream_->status() < 500 ? lease_.record_success() : lease_.record_failure();
    }
  }

  void pull(std::function<void(server::BodyPiece)> ready) override {
    upstream_->pull([this, ready = std::move(ready)](server::BodyPiece piece) {
      if ((piece.end || piece.failed) && !recorded_.exchange(true)) {
        bool worker_ok = piece.end || upstream_->end_status().reason() == "upstream_aborted";
        worker_ok && upstream_->status() < 500 ? lease_.record_success() : lease_.record_failure();
      }
      ready(std::move(piece));
    });
  }
  void cancel() override { upstream_->cancel(); }

 private:
  std::shared_ptr<UpstreamStream> upstream_;
  routing::WorkerLease lease_;
  admission::Permit permit_;
  metrics::Gauge& in_flight_;
  std::atomic<bool> recorded_{false};
};

}  // namespace

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

// One forwarded request: picks, sends, retries connect failures after a back-off timer, and
// completes the deferred Response once. Lives as long as an exchange or a timer holds it.
class DataPlaneProxy::ForwardCall final : public server::Deferred,
                                          public std::enable_shared_from_this<ForwardCall> {
 public:
  ForwardCall(DataPlaneProxy& proxy, const server::Request& request, bool caller_authenticated,
              admission::Permit permit, std::shared_ptr<ForwardInfo> info, std::string model,
              bool stream, routing::RoutingKey key)
      : proxy_(proxy), request_(request), caller_authenticated_(caller_authenticated),
        permit_(std::move(permit)), info_(std::move(info)), model_(std::move(model)),
        stream_(stream), key_(std::move(key)) {}

  void start(std::function<void(Response)> done) override {
    done_ = std::move(done);
    attempt(0);
  }

  void cancel() override {
    std::shared_ptr<UpstreamCall> call;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      call = call_;
    }
    if (call) call->cancel();
  }

 private:
  struct Attempt {
    routing::WorkerLease lease;
    std::chrono::steady_clock::time_point started;
  };

  int max_attempts() const {
    const auto& retry = proxy_.options_.retry;
    return retry.enabled ? retry.max_retries + 1 : 1;
  }

  // Runs on the caller's thread first, then on I/O threads (never blocks).
  void attempt(int n) {
    if (is_cancelled()) return finish(upstream_error(aborted()));
    auto lease = proxy_.router_.pick(model_, key_);
    if (!lease.ok()) {
      return finish(last_error_.ok() ? pick_error(lease.status(), model_)
                                     : upstream_error(last_error_));
    }
    if (info_) info_->worker = lease->worker().url();
    UpstreamRequest upstream{request_.method, lease->worker().url() + request_.path +
                                    (request_.query_string.empty() ? ""
                                                                   : "?" + request_.query_string),
                             proxy_.upstream_headers(request_, caller_authenticated_,
                                                     lease->worker()),
                             request_.body, proxy_.options_.request_timeout,
                             proxy_.options_.connect_timeout};
    auto current = std::make_shared<Attempt>(Attempt{std::move(*lease),
                                                     std::chrono::steady_clock::now()});
    auto self = shared_from_this();
    std::shared_ptr<UpstreamCall> call;
    if (stream_) {
      call = proxy_.upstream_.open(std::move(upstream),
                                   [self, current, n](Result<std::shared_ptr<UpstreamStream>> r) {
                                     if (!r.ok()) return self->failed(n, *current, r.status());
                                     self->opened(*current, std::move(*r));
                                   });
    } else {
      call = proxy_.upstream_.send(std::move(upstream),
                                   [self, current, n](Result<UpstreamResponse> r) {
                                     if (!r.ok()) return self->failed(n, *current, r.status());
                                     self->answered(*current, std::move(*r));
                                   });
    }
    hold(std::move(call));
  }

  void failed(int n, Attempt& current, const Status& status) {
    // A call the client abandoned says nothing about the worker: nothing is recorded on its
    // breaker (the lease just releases, a half-open trial slot included).
    if (status.reason() == "upstream_aborted" || is_cancelled()) {
      return finish(upstream_error(aborted()));
    }
    current.lease.record_failure();
    last_error_ = status;
    if (status.reason() != "upstream_connect_failed" || n + 1 >= max_attempts() ||
        is_cancelled()) {
      return finish(upstream_error(is_cancelled() ? aborted() : status));
    }
    auto self = shared_from_this();
    hold(proxy_.upstream_.after(proxy_.backoff(n), [self, n] { self->attempt(n + 1); }));
  }

  void observe(const Attempt& current, int status) {
    if (info_) info_->upstream_status = status;
    proxy_.upstream_latency_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - current.started).count());
  }

  void answered(Attempt& current, UpstreamResponse result) {
    observe(current, result.status);
    result.status >= 500 ? current.lease.record_failure() : current.lease.record_success();
    Response response;
    response.status = result.status;
    response.content_type = result.header("content-type").value_or("application/json");
    response.body = std::move(result.body);
    finish(std::move(response));
  }

  void opened(Attempt& current, std::shared_ptr<UpstreamStream> upstream) {
    observe(current, upstream->status());
    Response response;
    response.status = upstream->status();
    response.content_type = upstream->header("content-type").value_or("text/event-stream");
    response.set_header("Cache-Control", "no-cache");
    response.source = std::make_shared<RelayedStream>(std::move(upstream), std::move(current.lease),
                                                      std::move(permit_),
                                                      proxy_.streams_in_flight_);
    finish(std::move(response));
  }

  void hold(std::shared_ptr<UpstreamCall> call) {
    bool cancel_now = false;
    {
      std::lock_guard lock(mutex_);
      if (!finished_) call_ = call;
      cancel_now = cancelled_;
    }
    if (cancel_now && call) call->cancel();
  }

  bool is_cancelled() {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  static Status aborted() {
    return Status(Code::kUnavailable, "upstream_aborted", "the client went away");
  }

  void finish(Response response) {
    std::function<void(Response)> done;
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      finished_ = true;
      call_.reset();
      done = std::move(done_);
    }
    admission::Permit released = std::move(permit_);  // a stream moved it into its source
    done(std::move(response));
  }

  DataPlaneProxy& proxy_;
  const server::Request& request_;
  const bool caller_authenticated_;
  admission::Permit permit_;
  std::shared_ptr<ForwardInfo> info_;
  const std::string model_;
  const bool stream_;
  const routing::RoutingKey key_;
  Status last_error_;  // touched by one attempt at a time
  std::function<void(Response)> done_;
  std::mutex mutex_;
  std::shared_ptr<UpstreamCall> call_;  // guarded by mutex_
  bool cancelled_ = false;              // guarded by mutex_
  bool finished_ = false;               // guarded by mutex_
};

Response DataPlaneProxy::forward(const server::Request& request, bool caller_authenticated,
                                 admission::Permit permit, std::shared_ptr<ForwardInfo> info) {
  std::string model;
  bool stream = false;
  routing::RoutingKey key;
  if (!request.body.empty()) {
    auto fields = read_request_fields(request.body, router_.policy().uses_request_text());
    if (!fields) {
      return error_response(400, "invalid_request_error", "Request body must be a JSON object",
                            "invalid_json");
    }
    model = std::move(fields->model);
    stream = fields->stream;
    key.text = std::move(fields->text);
  }
  if (info != nullptr) {
    info->model = model;
    info->stream = stream;
  }
  Response response;
  response.deferred = std::make_shared<ForwardCall>(*this, request, caller_authenticated,
                                                    std::move(permit), std::move(info),
                                                    std::move(model), stream, std::move(key));
  return response;
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
    auto result = upstream_.send_and_wait(std::move(request));
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
