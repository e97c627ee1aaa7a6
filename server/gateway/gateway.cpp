#include "server/gateway/gateway.h"

#include "common/clock/clock.h"
#include "common/log/logger.h"
#include "server/gateway/admitted_call.h"
#include "server/gateway/audit_routes.h"
#include "server/gateway/request_id.h"
#include "server/http/status_response.h"
#include "server/proxy/forwarding_headers.h"
#include "server/ratelimit/token_estimate.h"
#include "server/ratelimit/usage_settlement.h"

namespace smg::server {
namespace {

const char* outcome_name(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kAllowed: return "success";
    case AuthOutcome::kForbidden: return "denied";
    case AuthOutcome::kUnauthenticated: return "unauthenticated";
  }
  return "unauthenticated";
}

Response with_retry_after(Response response, int seconds) {
  response.set_header("Retry-After", std::to_string(seconds));
  return response;
}

Response not_implemented(const RouteMatch& match) {
  return error_response(501, "not_implemented",
                        "The " + std::string(match.name) +
                            " API is not implemented by this gateway yet",
                        "not_implemented");
}

Response method_not_allowed(const Request& request, const RouteMatch& match) {
  Response response = error_response(
      405, "invalid_request_error",
      "Method " + request.method.substr(0, 32) + " is not allowed here", "method_not_allowed");
  response.set_header("Allow", match.allow);
  return response;
}

Response payload_too_large(std::size_t limit) {
  return error_response(
      413, "payload_too_large",
      "Request body is over this route's limit of " + std::to_string(limit) + " bytes",
      "payload_too_large");
}

bool has_control_character(std::string_view path) {
  for (char c : path) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// The declared body length; the listener has already refused lengths that are not digits.
std::optional<std::size_t> declared_length(const Request& request) {
  auto length = request.header("Content-Length");
  if (!length || length->empty() || length->size() > 19) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(*length));
}

}  // namespace

// What screen() decided, for handle() on the same request: the route is looked up once.
struct Gateway::Screened {
  std::string request_id;
  RouteMatch match;
  std::optional<AuthResult> auth;  // control and data plane: who the credential is
};

Gateway::Gateway(GatewayParts parts) : parts_(parts) {}

bool Gateway::runs_inline(const Request& head) const {
  if (is_probe_path(head.path)) return true;
  RouteMatch match = classify_route(head.method, head.path);
  if (match.route_class != RouteClass::kDataPlane || !match.method_allowed) return false;
  switch (match.id) {
    case RouteId::kTokenize:
    case RouteId::kDetokenize: return false;  // a long prompt's tokenization takes a while
    default: break;
  }
  if (parts_.wasm_middleware != nullptr &&
      (parts_.wasm_middleware->has_modules(smg::wasm::EntryPoint::kOnRequest) ||
       parts_.wasm_middleware->has_modules(smg::wasm::EntryPoint::kOnResponse))) {
    return false;  // module calls run under an instruction budget, on the pool
  }
  if (parts_.tenant_limiter != nullptr && !parts_.tenant_limiter->never_blocks()) return false;
  return parts_.auth->answers_without_blocking(head);
}

std::optional<Response> Gateway::screen(Request& head) {
  head.request_id = request_id_for(head);
  RouteMatch match = classify_route(head.method, head.path);
  std::optional<Response> refused = screen_route(head, match);
  if (refused) finish(head, match, *refused);
  return refused;
}

std::size_t Gateway::body_limit(const RouteMatch& match) const {
  switch (match.body_limit) {
    case BodyLimit::kPayload:
      return parts_.data_plane_body_limit;
    case BodyLimit::kModule:
      return parts_.wasm_body_limit;
    case BodyLimit::kSmall:
      break;
  }
  return parts_.control_body_limit;
}

AuthResult Gateway::authenticate(const Request& request, const RouteMatch& match) const {
  if (request.screen_state) {
    const auto& screened = *std::static_pointer_cast<const Screened>(request.screen_state);
    if (screened.auth) return *screened.auth;
  }
  return match.route_class == RouteClass::kDataPlane ? parts_.auth->data_plane(request)
                                                     : parts_.auth->control_plane(request);
}

std::optional<Response> Gateway::screen_route(Request& head, const RouteMatch& match) {
  head.body_limit = body_limit(match);  // a chunked body is held to it as it is read
  std::optional<std::size_t> length = declared_length(head);
  if (has_control_character(head.path) || match.route_class == RouteClass::kNotFound) {
    return dispatch(head, match);  // 400 or 404, as handle() answers them
  }
  bool over_limit = length && *length > body_limit(match);
  switch (match.route_class) {
    case RouteClass::kControlPlane:
    case RouteClass::kDataPlane: {
      bool data = match.route_class == RouteClass::kDataPlane;
      if (data && proxy::arrived_through_us(head)) return data_plane(head, match);
      AuthResult auth = authenticate(head, match);
      bool refused =
          auth.outcome != AuthOutcome::kAllowed || over_limit || (!data && !match.method_allowed);
      head.screen_state =
          std::make_shared<const Screened>(Screened{head.request_id, match, std::move(auth)});
      if (!refused) return std::nullopt;
      // The same path as handle(), with this authentication: audited (control plane) or
      // recorded (data plane) once.
      return data ? data_plane(head, match) : control_plane(head, match);
    }
    default:
      if (over_limit) return payload_too_large(body_limit(match));
      head.screen_state =
          std::make_shared<const Screened>(Screened{head.request_id, match, std::nullopt});
      return std::nullopt;
  }
}

void Gateway::finish(const Request& request, const RouteMatch& match, Response& response) {
  response.set_header("x-request-id", request.request_id);
  if (log::enabled(log::Level::kDebug)) {  // access log: no headers, no bodies, no credentials
    log::debug("smg::access", "request",
               {{"method", request.method}, {"path", request.path},
                {"status", std::to_string(response.status)},
                {"class", route_class_name(match.route_class)},
                {"request_id", request.request_id}, {"peer", request.remote_addr}});
  }
  requests_counter(match.route_class, response.status).inc();
}

Response Gateway::handle(Request& request) {
  RouteMatch match;
  if (request.screen_state) {
    const auto& screened = *std::static_pointer_cast<const Screened>(request.screen_state);
    request.request_id = screened.request_id;
    match = screened.match;
  } else {  // called without the screen (unit tests): look the route up here
    request.request_id = request_id_for(request);
    match = classify_route(request.method, request.path);
  }
  // The request outlives its response (the engine holds it until the response is sent).
  return then(dispatch(request, match), [this, &request, match](Response response) {
    finish(request, match, response);
    return response;
  });
}

metrics::Counter& Gateway::requests_counter(RouteClass route_class, int status) {
  auto lookup = [&] {
    return &parts_.metrics->counter("smg_http_requests_total",
                                    "HTTP requests by route class and status",
                                    {{"class", route_class_name(route_class)},
                                     {"status", std::to_string(status)}});
  };
  auto class_index = static_cast<int>(route_class);
  if (status < kMinStatus || status >= kMinStatus + kStatusSlots || class_index < 0 ||
      class_index >= kRouteClasses) {
    return *lookup();
  }
  auto& slot = request_counters_[static_cast<std::size_t>(class_index * kStatusSlots + status -
                                                          kMinStatus)];
  metrics::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same series from the registry, so either store is right.
    counter = lookup();
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

Response Gateway::dispatch(Request& request, const RouteMatch& match) {
  if (has_control_character(request.path)) {
    // A decoded CR or LF would break every line-based consumer downstream: refused, audited.
    Response response = error_response(
        400, "invalid_request_error", "The request path holds a control character", "invalid_path");
    AuthResult refused;
    refused.outcome = AuthOutcome::kForbidden;
    refused.details = "control character in path";
    record_audit(request, match, refused, response.status);
    return response;
  }
  if (match.route_class == RouteClass::kNotFound) {
    return error_response(404, "not_found_error", "No route for " + request.path.substr(0, 256),
                          "route_not_found");
  }
  // A disabled identity method's routes do not exist (rollback), whatever the method; nor do
  // the reports when server.admin_reports is off.
  bool reports = match.name.starts_with("reports_");
  if (match.route_class == RouteClass::kAdmin &&
      (reports ? parts_.reports == nullptr
               : !parts_.admin_auth->serves(std::string(match.name)))) {
    return admin_error_response(404, "not-found");
  }
  // The control plane authenticates first: its 405s (and Allow) are for admins, and audited.
  if (!match.method_allowed && match.route_class != RouteClass::kControlPlane) {
    return method_not_allowed(request, match);
  }
  switch (match.route_class) {
    case RouteClass::kPublic: return public_route(match);
    case RouteClass::kMetrics: return metrics_route(request);
    case RouteClass::kControlPlane: return control_plane(request, match);
    case RouteClass::kDataPlane: return data_plane(request, match);
    case RouteClass::kAdmin:
      return reports ? parts_.reports->handle(std::string(match.name), match.resource, request)
                     : parts_.admin_auth->handle(std::string(match.name), request);
    case RouteClass::kContent: return content_route(request, match);
    case RouteClass::kNotFound: break;
  }
  return error_response(404, "not_found_error", "Not found", "route_not_found");
}

Response Gateway::public_route(const RouteMatch& match) const {
  if (match.id != RouteId::kReadiness) {
    return text_response(200, "OK");
  }
  auto stats = parts_.registry->stats();
  int healthy = stats.value("healthy", 0);
  int total = stats.value("total", 0);
  bool ready = healthy > 0;
  return json_response(ready ? 200 : 503, {{"status", ready ? "ready" : "not_ready"},
                                           {"healthy_workers", healthy},
                                           {"total_workers", total}});
}

// /metrics: open when no auth is configured; a caller token needs the policy
// grant `metrics, read` in its domain (else 403 metrics-forbidden); any other bearer must be a
// control-plane admin credential, as for the rest of the admin surface.
Response Gateway::metrics_route(const Request& request) {
  auto render = [&] {
    return text_response(200, parts_.metrics->render(), "text/plain; version=0.0.4");
  };
  if (!parts_.auth->any_configured()) return render();
  if (parts_.auth->callers_configured()) {
    AuthResult caller = parts_.auth->caller(request);
    if (caller.outcome == AuthOutcome::kForbidden) return caller.rejection;
    if (caller.outcome == AuthOutcome::kAllowed) {
      const Principal& p = caller.principal;
      bool granted = parts_.enforcer != nullptr &&
                     parts_.enforcer->enforce(p.subject, p.domain, "metrics", "read");
      return granted ? render() : admin_error_response(403, "metrics-forbidden");
    }
    if (!parts_.auth->control_plane_configured()) return caller.rejection;
  }
  AuthResult admin = parts_.auth->control_plane(request);
  return admin.outcome == AuthOutcome::kAllowed ? render() : admin.rejection;
}

Response Gateway::control_plane(const Request& request, const RouteMatch& match) {
  AuthResult auth = authenticate(request, match);
  std::optional<std::size_t> length = declared_length(request);
  Response response = auth.outcome != AuthOutcome::kAllowed ? auth.rejection
                      : !match.method_allowed               ? method_not_allowed(request, match)
                      : length && *length > body_limit(match)
                          ? payload_too_large(body_limit(match))
                          : control_plane_handler(request, match);
  record_audit(request, match, auth, response.status);
  return response;
}

Response Gateway::control_plane_handler(const Request& request, const RouteMatch& match) {
  switch (match.id) {
    case RouteId::kWorkers:
    case RouteId::kWorker: return parts_.workers_routes->handle(request);
    case RouteId::kGetLoads: return parts_.workers_routes->loads();
    case RouteId::kTokenizers:
    case RouteId::kTokenizer:
    case RouteId::kTokenizerStatus: return parts_.tokenizers->handle(request);
    case RouteId::kParseFunctionCall:
    case RouteId::kParseReasoning: return parts_.parse->handle(request);
    case RouteId::kWasm:
    case RouteId::kWasmModule: return parts_.wasm_routes->handle(request);
    case RouteId::kFlushCache: return parts_.proxy->flush_cache(request.request_id);
    case RouteId::kAudit:
      if (parts_.audit == nullptr) {
        return error_response(404, "not_found_error", "Audit logging is disabled",
                              "audit_disabled");
      }
      if (parts_.audit_stream != nullptr) {
        return handle_cluster_audit_request(request, *parts_.audit_stream, *parts_.audit);
      }
      return handle_audit_request(request, *parts_.audit);
    default: return not_implemented(match);
  }
}

void Gateway::record_audit(const Request& request, const RouteMatch& match, const AuthResult& auth,
                           int status) const {
  if (parts_.audit == nullptr) return;
  audit::AuditEvent event;
  event.timestamp_ms = unix_now_ms();
  bool identified = auth.principal.auth_method != AuthMethod::kNone;
  event.principal = identified ? auth.principal.subject : "anonymous";
  event.auth_method = identified ? auth_method_name(auth.principal.auth_method) : "none";
  event.role = identified ? role_name(auth.principal.role) : "";
  event.method = request.method;
  event.path = request.path;
  event.resource = match.resource;
  event.outcome = outcome_name(auth.outcome);
  event.status = status;
  event.request_id = request.request_id;
  event.details = auth.details;
  parts_.audit->record(std::move(event));
}

// Every data-plane request is recorded, refused ones included (the security report counts
// them); the recorder never blocks.
Response Gateway::data_plane(Request& request, const RouteMatch& match) {
  auto started = std::chrono::steady_clock::now();
  int64_t started_ms = parts_.recorder != nullptr ? unix_now_ms() : 0;
  AuthResult auth;
  auto info = std::make_shared<proxy::ForwardInfo>();
  Response response;
  if (proxy::arrived_through_us(request)) {
    // Our own Via token: a worker URL leads back here. Forwarding again would loop until every
    // connection is used; RFC 5842's 508 ends it at the first return.
    response = error_response(508, "loop_detected",
                              "The request came back to this gateway: a worker URL points at it",
                              "loop_detected");
  } else {
    auth = authenticate(request, match);
    std::optional<std::size_t> length = declared_length(request);
    if (auth.outcome != AuthOutcome::kAllowed) {
      response = auth.rejection;
    } else if (length && *length > body_limit(match)) {
      response = payload_too_large(body_limit(match));
    } else {
      response = data_plane_handler(request, match, auth, info);
    }
  }
  if (parts_.recorder == nullptr) return response;
  return then(std::move(response), [recorder = parts_.recorder, &request,
                                    route = std::string(match.name), principal = auth.principal,
                                    info, started, started_ms](Response done) {
    recorder->record({request, route, principal, *info, started, started_ms}, done);
    return done;
  });
}

// DELETE /v1/content-captures/{id}, POST /v1/content-captures/purge-expired: a caller token
// only (never open, whatever else is configured), then policy in ContentMaintenance.
Response Gateway::content_route(const Request& request, const RouteMatch& match) {
  AuthResult caller = parts_.auth->caller(request);
  bool allowed = caller.outcome == AuthOutcome::kAllowed;
  reports::MaintenanceActor actor{request, allowed ? caller.principal.subject : "anonymous",
                                  allowed ? "caller_token" : "none"};
  if (parts_.content == nullptr) {
    return allowed ? admin_error_response(404, "request-log-disabled") : caller.rejection;
  }
  if (!allowed) return parts_.content->audited(actor, match.resource, caller.rejection, caller.details);
  return match.id == RouteId::kContentPurge ? parts_.content->purge_expired(actor)
                                            : parts_.content->remove(actor, match.resource);
}

// WASM middleware wraps every data-plane route: on_request after authentication and before
// routing and admission, on_response on what comes back unless it streams.
Response Gateway::data_plane_handler(Request& request, const RouteMatch& match,
                                     const AuthResult& auth,
                                   std::shared_ptr<proxy::ForwardInfo> info) {
  if (parts_.wasm_middleware == nullptr) return data_plane_route(request, match, auth, info);
  bool identified = auth.principal.auth_method != AuthMethod::kNone;
  const Principal* principal = identified ? &auth.principal : nullptr;
  if (auto reply = parts_.wasm_middleware->on_request(request, principal)) return std::move(*reply);
  std::optional<Principal> caller;
  if (identified) caller = auth.principal;
  return then(data_plane_route(request, match, auth, info),
              [middleware = parts_.wasm_middleware, &request, caller](Response response) {
                if (!response.streams()) {
                  middleware->on_response(request, caller ? &*caller : nullptr, response);
                }
                return response;
              });
}

Response Gateway::data_plane_route(Request& request, const RouteMatch& match,
                                   const AuthResult& auth,
                                   std::shared_ptr<proxy::ForwardInfo> info) {
  switch (match.id) {
    case RouteId::kModels: return parts_.proxy->list_models();
    case RouteId::kModel: return parts_.proxy->get_model(match.resource);
    // Tokenizers answer here, from the gateway's own registry; never forwarded to a worker.
    case RouteId::kTokenize: return parts_.tokenizers->tokenize(request);
    case RouteId::kDetokenize: return parts_.tokenizers->detokenize(request);
    default: break;
  }
  // Tenant limits first: a tenant over its limit takes no admission slot or queue place.
  std::shared_ptr<ratelimit::Reservation> reservation;
  if (parts_.tenant_limiter != nullptr) {
    auto estimate = ratelimit::estimate_request(request.body, parts_.tokenizer_registry);
    auto admitted = parts_.tenant_limiter->admit(
        {&auth.principal, request.remote_addr, estimate.model, estimate.tokens});
    if (!admitted.reservation) return std::move(admitted.rejection);
    reservation = std::move(admitted.reservation);
  }
  bool authenticated = auth.principal.auth_method != AuthMethod::kNone;
  // The proxy fills `info` as the exchange goes (shared with the recorder's continuation).
  // Without a free token the call waits in the admission queue as a callback, not a thread.
  return admit_then(*parts_.admission, [proxy = parts_.proxy, &request, authenticated,
                                        info = std::move(info), reservation](
                                           Result<admission::Permit> permit) {
    if (!permit.ok()) {  // 429 admission_queue_full, 503 admission_queue_timeout
      if (reservation) reservation->settle(0);  // nothing ran: the tokens go back
      // SMG's SHED_RETRY_AFTER_SECS: 2 for a full queue and for a queue timeout alike.
      return with_retry_after(status_response(permit.status()), 2);
    }
    Response forwarded = proxy->forward(request, authenticated, std::move(*permit), info);
    if (!reservation) return forwarded;
    return then(std::move(forwarded), [reservation](Response done) {
      return ratelimit::settle_when_done(std::move(done), reservation);
    });
  });
}

}  // namespace smg::server
