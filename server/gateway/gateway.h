// Gateway: the request path, engine-independent:
//   request id → route class → authenticate/authorize → audit (control plane) → handler
//   → (data plane) WASM on_request → tokenizers | tenant rate limit → admission → proxy
//   → WASM on_response
//   → metrics.
// Built once by GatewayRuntime from the validated configuration; handle() runs on many threads.
//
//   Gateway gateway(parts);
//   Response r = gateway.handle(request);
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>

#include "common/audit/audit_log.h"
#include "common/audit/redis_audit_stream.h"
#include "common/policy/enforcer.h"
#include "server/admin/admin_auth_routes.h"
#include "server/admission/admission_controller.h"
#include "server/auth/gateway_auth.h"
#include "server/gateway/request_recorder.h"
#include "server/gateway/route_table.h"
#include "server/http/exchange.h"
#include "server/metrics/metrics.h"
#include "server/parse/parse_routes.h"
#include "server/proxy/data_plane_proxy.h"
#include "server/ratelimit/tenant_limiter.h"
#include "server/reports/content_maintenance.h"
#include "server/reports/report_routes.h"
#include "server/routes/workers_routes.h"
#include "server/tokenizers/tokenizer_routes.h"
#include "server/wasm/wasm_middleware.h"
#include "server/wasm/wasm_routes.h"
#include "server/workers/worker_registry.h"

namespace smg::server {

struct GatewayParts {
  GatewayAuth* auth = nullptr;
  audit::AuditLog* audit = nullptr;  // null: audit off
  metrics::Registry* metrics = nullptr;
  admission::AdmissionController* admission = nullptr;
  proxy::DataPlaneProxy* proxy = nullptr;
  WorkersRoutes* workers_routes = nullptr;
  workers::WorkerRegistry* registry = nullptr;
  const policy::Enforcer* enforcer = nullptr;  // Casbin decisions (metrics, reports, content)
  admin::AdminAuthRoutes* admin_auth = nullptr;
  RequestRecorder* recorder = nullptr;             // null: request log off
  reports::ReportRoutes* reports = nullptr;        // null: admin reports off (404)
  reports::ContentMaintenance* content = nullptr;  // null: request log off
  tokenizers::TokenizerRoutes* tokenizers = nullptr;
  const ParseRoutes* parse = nullptr;
  wasm::WasmRoutes* wasm_routes = nullptr;
  wasm::WasmMiddleware* wasm_middleware = nullptr;  // null: WASM disabled
  ratelimit::TenantLimiter* tenant_limiter = nullptr;  // null: tenant rate limits off
  // The tenant limits count a prompt with the tokenizer registered under its model's name.
  const tokenizers::TokenizerRegistry* tokenizer_registry = nullptr;
  // The cluster-wide audit stream (server.state.backend: redis); null: /admin/audit reads this
  // replica's ring.
  audit::RedisAuditStream* audit_stream = nullptr;
  // Bodies larger than these are refused 413 on the head, before a byte is read: the data plane
  // keeps --max-payload-size; the control plane and the other routes get a small limit, except
  // POST /wasm, which carries a module.
  std::size_t data_plane_body_limit = std::size_t{512} << 20;
  std::size_t control_body_limit = std::size_t{1} << 20;
  std::size_t wasm_body_limit = std::size_t{16} << 20;
};

class Gateway {
 public:
  explicit Gateway(GatewayParts parts);

  Response handle(Request& request);
  // The Listener's HeadScreen: on the head alone (no body read yet), answers whatever needs no
  // body: 400 for a control character in the path, 404, authentication and authorization
  // failures, 405 (after authentication), 413 over the route's body limit, 508 loops. Refusals
  // are audited, recorded and counted as handle() does. nullopt: read the body and call handle(),
  // which reuses the request id and authentication decided here (head.screen_state).
  std::optional<Response> screen(Request& head);
  // True when this request's screen and handler never block, so the engine runs them on its I/O
  // thread instead of the blocking pool: the probes (/health, /liveness, /readiness: prompt
  // however busy the pool is), and data-plane calls forwarded to a worker whose credential is
  // checked in memory (API keys, caller tokens, a JWT in the verified-token cache), with no
  // WASM module attached and tenant limits (if any) decided locally. Admission never blocks
  // (admitted_call.h); the worker's answer is deferred.
  bool runs_inline(const Request& head) const;

 private:
  struct Screened;
  std::optional<Response> screen_route(Request& head, const RouteMatch& match);
  AuthResult authenticate(const Request& request, const RouteMatch& match) const;
  std::size_t body_limit(const RouteMatch& match) const;
  void finish(const Request& request, const RouteMatch& match, Response& response);
  Response dispatch(Request& request, const RouteMatch& match);
  Response public_route(const RouteMatch& match) const;
  Response metrics_route(const Request& request);
  Response control_plane(const Request& request, const RouteMatch& match);
  Response control_plane_handler(const Request& request, const RouteMatch& match);
  Response data_plane(Request& request, const RouteMatch& match);
  Response data_plane_handler(Request& request, const RouteMatch& match, const AuthResult& auth,
                              std::shared_ptr<proxy::ForwardInfo> info);
  Response data_plane_route(Request& request, const RouteMatch& match, const AuthResult& auth,
                            std::shared_ptr<proxy::ForwardInfo> info);
  Response content_route(const Request& request, const RouteMatch& match);
  void record_audit(const Request& request, const RouteMatch& match, const AuthResult& auth,
                    int status) const;
  metrics::Counter& requests_counter(RouteClass route_class, int status);

  GatewayParts parts_;
  // smg_http_requests_total series by (route class, status 100..599), each looked up in the
  // registry once: a lookup formats the labels and takes the registry's exclusive lock, which
  // every serving thread would otherwise contend on for every request.
  static constexpr int kRouteClasses = 6;
  static constexpr int kMinStatus = 100;
  static constexpr int kStatusSlots = 500;
  std::array<std::atomic<metrics::Counter*>, kRouteClasses * kStatusSlots> request_counters_{};
};

}  // namespace smg::server
