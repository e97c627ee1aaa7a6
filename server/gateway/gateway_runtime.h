// GatewayRuntime: turns a ServeConfig into running objects, once, at start-up (Envoy's
// filter_config idea): validates every field (a config error names the field, never the secret),
// hashes credentials, builds the JWT verifier, worker registry, health checker, service
// discovery, router, proxy, tokenizers (loading the start-up ones), parsers, WASM modules,
// audit log, metrics and listeners, then serves until stop().
// Thread-safety: build/start/stop from one thread; the gateway serves on many.
//
//   auto runtime = GatewayRuntime::build(config);      // kInvalidArgument on config errors
//   auto port = (*runtime)->start();                    // binds, starts health checks
//   (*runtime)->serve();                                // blocks until stop()
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/audit/audit_log.h"
#include "common/audit/redis_audit_stream.h"
#include "common/redis/redis_client.h"
#include "common/http/http_client.h"
#include "common/policy/enforcer.h"
#include "server/admission/admission_controller.h"
#include "server/auth/gateway_auth.h"
#include "server/discovery/discovery_service.h"
#include "server/gateway/gateway.h"
#include "server/gateway/request_log_builder.h"
#include "server/gateway/serve_config.h"
#include "server/http/listener.h"
#include "server/metrics/metrics.h"
#include "server/parse/parse_routes.h"
#include "server/proxy/data_plane_proxy.h"
#include "server/http/io_runtime.h"
#include "server/proxy/upstream_client.h"
#include "server/ratelimit/limiter_store.h"
#include "server/ratelimit/redis_limiter_store.h"
#include "server/ratelimit/tenant_limiter.h"
#include "server/routes/workers_routes.h"
#include "server/routing/router.h"
#include "server/tokenizers/tokenizer_registry.h"
#include "server/tokenizers/tokenizer_routes.h"
#include "server/wasm/module_registry.h"
#include "server/wasm/wasm_middleware.h"
#include "server/wasm/wasm_routes.h"
#include "server/workers/health_checker.h"
#include "server/workers/shared_workers.h"
#include "server/workers/worker_registry.h"

namespace smg::server {

class GatewayRuntime {
 public:
  static Result<std::unique_ptr<GatewayRuntime>> build(const ServeConfig& config);
  ~GatewayRuntime();

  // Binds the listener(s) and starts health checking; returns the data listener's port.
  Result<int> start();
  // Serves until stop(); returns false if the listener failed.
  bool serve();
  void stop();
  // SIGHUP: reopen the audit file (logrotate).
  void reopen_logs();

  bool tls() const { return listener_->tls(); }
  bool audit_enabled() const { return audit_ != nullptr; }
  workers::WorkerRegistry& registry() { return *registry_; }

 private:
  GatewayRuntime() = default;
  Status build_auth(const ServeConfig& config);
  Status build_workers(const ServeConfig& config);
  Status build_audit(const ServeConfig& config);
  Status build_policy(const ServeConfig& config);
  Status build_admin(const ServeConfig& config);
  Status build_request_log(const ServeConfig& config);
  Status build_tokenizers(const ServeConfig& config);
  Status build_wasm(const ServeConfig& config);
  Status build_rate_limits(const ServeConfig& config);

  ServeConfig config_;
  metrics::Registry metrics_;
  // The I/O threads of the main listener and of the upstream client (declared before both:
  // destroyed after them).
  std::unique_ptr<IoRuntime> io_;
  std::unique_ptr<http::HttpClient> http_client_;
  // server.state.backend: redis (null: local). Before everything that holds a reference.
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<audit::RedisAuditStream> audit_stream_;  // before audit_, which forwards to it
  std::unique_ptr<GatewayAuth> auth_;
  std::unique_ptr<policy::Enforcer> enforcer_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<workers::WorkerRegistry> registry_;
  std::unique_ptr<workers::SharedWorkers> shared_workers_;  // null: local backend
  std::unique_ptr<workers::HealthChecker> health_;
  std::unique_ptr<routing::Router> router_;
  std::unique_ptr<proxy::UpstreamClient> upstream_;
  std::unique_ptr<proxy::DataPlaneProxy> proxy_;
  std::unique_ptr<admission::AdmissionController> admission_;
  std::unique_ptr<ratelimit::LimiterStore> limiter_store_;      // null: tenant limits off
  std::unique_ptr<ratelimit::TenantLimiter> tenant_limiter_;    // null: tenant limits off
  std::unique_ptr<WorkersRoutes> workers_routes_;
  std::unique_ptr<discovery::DiscoveryService> discovery_;  // null: --service-discovery off
  std::unique_ptr<tokenizers::TokenizerRegistry> tokenizers_;
  std::unique_ptr<tokenizers::TokenizerRoutes> tokenizer_routes_;
  ParseRoutes parse_routes_;
  std::unique_ptr<wasm::ModuleRegistry> wasm_modules_;  // null: WASM disabled
  std::unique_ptr<wasm::WasmRoutes> wasm_routes_;
  std::unique_ptr<wasm::WasmMiddleware> wasm_middleware_;  // null: WASM disabled
  std::unique_ptr<admin::AdminAuthRoutes> admin_auth_;
  RequestLogParts request_log_;  // after admin_auth_ (its report routes use it)
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Listener> metrics_listener_;
  std::thread metrics_thread_;
};

// Checks that need no I/O: cert/key pairing, JWT issuer/audience pairing, exposure without auth.
Status validate_serve_config(const ServeConfig& config);

}  // namespace smg::server
