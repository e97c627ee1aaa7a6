#include "server/gateway/gateway_runtime.h"

#include <cstdlib>

#include "common/apikey/api_key_spec.h"
#include "common/crypto/crypto.h"
#include "common/log/logger.h"
#include "common/policy/policy_yaml.h"
#include "common/policy/startup_grants.h"
#include "common/thread/thread_name.h"
#include "server/gateway/admin_auth_builder.h"
#include "server/gateway/shared_state.h"
#include "server/routing/policy.h"
#include "server/tokenizers/tokenizer_source.h"
#include "server/wasm/wasm_config.h"

namespace smg::server {
namespace {

Status config_error(const std::string& message) {
  return invalid_argument("config_invalid", message);
}

Result<std::vector<TenantKey>> parse_tenant_keys(const std::vector<std::string>& specs) {
  std::vector<TenantKey> keys;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto colon = specs[i].find(':');
    if (colon == 0 || colon == std::string::npos || colon + 1 == specs[i].size()) {
      return config_error("--tenant-api-key #" + std::to_string(i + 1) +
                          ": expected TENANT:KEY with both parts non-empty");
    }
    keys.push_back({specs[i].substr(0, colon), crypto::sha256(specs[i].substr(colon + 1))});
  }
  return keys;
}

Result<std::shared_ptr<jwt::JwtAuthenticator>> build_jwt(const ServeConfig& config,
                                                         const http::HttpClient& client) {
  jwt::JwtAuthConfig jwt_config;
  jwt_config.issuer = config.jwt_issuer;
  jwt_config.audience = config.jwt_audience;
  jwt_config.jwks_uri = config.jwt_jwks_uri;
  jwt_config.role_claim = config.jwt_role_claim;
  jwt_config.leeway = std::chrono::seconds(config.jwt_leeway_secs);
  for (std::size_t i = 0; i < config.jwt_role_mapping.size(); ++i) {
    auto entry = jwt::parse_role_mapping(config.jwt_role_mapping[i]);
    if (!entry.ok()) {
      return config_error("--jwt-role-mapping #" + std::to_string(i + 1) + ": " +
                          entry.status().message());
    }
    jwt_config.role_mapping.push_back(*entry);
  }
  const std::string& fetch_url = config.jwt_jwks_uri.empty() ? config.jwt_issuer : config.jwt_jwks_uri;
  if (Status url = http::check_fetch_url(fetch_url); !url.ok()) {
    return config_error(std::string(config.jwt_jwks_uri.empty() ? "--jwt-issuer" : "--jwt-jwks-uri") +
                        ": " + url.message());
  }
  return std::make_shared<jwt::JwtAuthenticator>(jwt_config, client, SystemClock::instance());
}

void add_worker_collector(metrics::Registry& registry, const workers::WorkerRegistry& workers) {
  registry.add_collector([&workers](std::string& out) {
    out += "# HELP smg_worker_healthy Whether a worker passes health checks (1) or not (0)\n"
           "# TYPE smg_worker_healthy gauge\n";
    auto snapshot = workers.snapshot();
    std::string load = "# HELP smg_worker_load In-flight requests per worker\n"
                       "# TYPE smg_worker_load gauge\n";
    for (const auto& worker : *snapshot) {
      std::string labels = metrics::format_labels({{"worker", worker->url()}});
      out += "smg_worker_healthy" + labels + " " + (worker->is_healthy() ? "1" : "0") + "\n";
      load += "smg_worker_load" + labels + " " + std::to_string(worker->load()) + "\n";
    }
    out += load;
  });
}

}  // namespace

Status validate_serve_config(const ServeConfig& config) {
  if (config.tls_cert_path.empty() != config.tls_key_path.empty()) {
    return config_error("--tls-cert-path and --tls-key-path must be given together");
  }
  if (config.jwt_issuer.empty() != config.jwt_audience.empty()) {
    return config_error("--jwt-issuer and --jwt-audience must be given together");
  }
  if (config.jwt_issuer.empty() && !config.jwt_jwks_uri.empty()) {
    return config_error("--jwt-jwks-uri needs --jwt-issuer and --jwt-audience");
  }
  if (config.port < 0 || config.port > 65535) {
    return config_error("--port: must be between 0 and 65535");
  }
  if (config.jwt_leeway_secs < 0 || config.jwt_leeway_secs > 3600) {
    return config_error("--jwt-leeway-secs: must be between 0 and 3600");
  }
  if (!(config.rate_limit_tokens_per_second >= 0) ||
      config.rate_limit_tokens_per_second > 1e9) {
    return config_error("--rate-limit-tokens-per-second must be from 0 to 1000000000");
  }
  if (config.tenant_rate_limit_enabled && config.tenant_rate_limit_config.empty()) {
    return config_error("--tenant-rate-limit-enabled needs --tenant-rate-limit-config FILE");
  }
  if (config.request_timeout_secs <= 0 || config.queue_timeout_secs <= 0) {
    return config_error("--request-timeout-secs and --queue-timeout-secs must be positive");
  }
  if (!routing::make_policy(config.policy).ok()) {
    return config_error("--policy: must be one of random, round_robin, power_of_two, cache_aware");
  }
  return Status::ok_status();
}

Status GatewayRuntime::build_auth(const ServeConfig& config) {
  CredentialSources sources;
  if (!config.api_key.empty()) sources.shared_api_key_sha256 = crypto::sha256(config.api_key);
  auto tenants = parse_tenant_keys(config.tenant_api_keys);
  if (!tenants.ok()) return tenants.status();
  sources.tenant_keys = std::move(*tenants);
  auto entries = config.control_plane_api_keys.empty()
                     ? apikey::api_keys_from_env()
                     : apikey::parse_api_key_flags(config.control_plane_api_keys);
  if (!entries.ok()) return config_error(entries.status().message());
  auto store = apikey::ApiKeyStore::build(std::move(*entries));
  if (!store.ok()) return config_error(store.status().message());
  sources.control_plane_keys = std::make_shared<const apikey::ApiKeyStore>(std::move(*store));
  if (!config.jwt_issuer.empty()) {
    auto jwt = build_jwt(config, *http_client_);
    if (!jwt.ok()) return jwt.status();
    sources.jwt = *jwt;
    auto authenticator = sources.jwt;
    metrics_.add_collector([authenticator](std::string& out) {
      out += "# HELP smg_jwks_fetches_total JWKS and discovery fetches made\n"
             "# TYPE smg_jwks_fetches_total counter\nsmg_jwks_fetches_total " +
             std::to_string(authenticator->jwks_cache().fetch_count()) + "\n";
    });
  }
  auto callers = CallerTokenStore::build(config.callers);
  if (!callers.ok()) return callers.status();
  sources.callers = std::make_shared<const CallerTokenStore>(std::move(*callers));
  auth_ = std::make_unique<GatewayAuth>(std::move(sources), metrics_);
  if (!http::is_loopback_host(config.host) && !auth_->any_configured() && !config.allow_unauthenticated) {
    return config_error("--host " + config.host +
                        ": refusing to serve a non-loopback address with no authentication "
                        "configured (add credentials or pass --allow-unauthenticated)");
  }
  return Status::ok_status();
}

Status GatewayRuntime::build_workers(const ServeConfig& config) {
  registry_ = std::make_unique<workers::WorkerRegistry>(
      config.circuit_breaker, SystemClock::instance(), crypto::Secret(config.api_key),
      config.allow_link_local_workers);
  for (std::size_t i = 0; i < config.worker_urls.size(); ++i) {
    workers::WorkerSpec spec;
    spec.url = config.worker_urls[i];
    auto added = registry_->add(std::move(spec));
    if (!added.ok()) {
      return config_error("--worker-urls #" + std::to_string(i + 1) + ": " +
                          added.status().message());
    }
  }
  health_ = std::make_unique<workers::HealthChecker>(*registry_, *http_client_, config.health);
  router_ = std::make_unique<routing::Router>(*registry_, *routing::make_policy(config.policy));
  proxy::UpstreamClientOptions upstream_options;
  upstream_options.refuse_link_local = !config.allow_link_local_workers;
  io_ = std::make_unique<IoRuntime>(config.io_threads);
  upstream_ = std::make_unique<proxy::UpstreamClient>(*io_, upstream_options);
  proxy::ProxyOptions proxy_options;
  proxy_options.retry = config.retry;
  proxy_options.request_timeout = std::chrono::seconds(config.request_timeout_secs);
  proxy_ = std::make_unique<proxy::DataPlaneProxy>(*router_, *upstream_, *registry_,
                                                   std::move(proxy_options), metrics_);
  workers::HealthChecker* health = health_.get();
  auto wake = [health](const std::shared_ptr<workers::Worker>&) { health->wake(); };
  if (redis_) {
    shared_workers_ = std::make_unique<workers::SharedWorkers>(
        *registry_, *redis_, state_client_options(config.state), config.state.key_prefix,
        replica_name(), wake);
  }
  workers_routes_ = std::make_unique<WorkersRoutes>(*registry_, wake, shared_workers_.get());
  add_worker_collector(metrics_, *registry_);
  if (config.discovery.enabled) {
    auto discovery = discovery::DiscoveryService::create(
        config.discovery, *registry_, metrics_,
        [health](const std::shared_ptr<workers::Worker>&) { health->wake(); });
    if (!discovery.ok()) return config_error(discovery.status().message());
    discovery_ = std::move(*discovery);
  }
  return Status::ok_status();
}

// The registry loads POST /v1/tokenizers jobs on its own thread; the start-up tokenizers load
// here, in order, so that the gateway never serves without them (a bad source is a config error).
Status GatewayRuntime::build_tokenizers(const ServeConfig& config) {
  tokenizers::RegistryOptions options;
  tokenizers::SourceOptions sources;
  sources.data_dir = config.data_dir;
  options.loader = tokenizers::make_source_loader(std::move(sources));
  tokenizers_ = std::make_unique<tokenizers::TokenizerRegistry>(std::move(options));
  for (std::size_t i = 0; i < config.tokenizers.size(); ++i) {
    const TokenizerStartup& startup = config.tokenizers[i];
    auto loaded = tokenizers_->load_now(startup.name, startup.source);
    if (!loaded.ok()) {
      return config_error("tokenizer #" + std::to_string(i + 1) + " '" + startup.name +
                          "': " + loaded.status().message());
    }
  }
  tokenizer_routes_ = std::make_unique<tokenizers::TokenizerRoutes>(*tokenizers_);
  return Status::ok_status();
}

Status GatewayRuntime::build_wasm(const ServeConfig& config) {
  if (config.wasm.enabled) {
    wasm_modules_ = std::make_unique<wasm::ModuleRegistry>(config.wasm.limits);
    if (Status loaded = wasm::load_startup_modules(*wasm_modules_, config.wasm); !loaded.ok()) {
      return config_error(loaded.message());
    }
    wasm_middleware_ = std::make_unique<wasm::WasmMiddleware>(*wasm_modules_, &metrics_);
  } else if (!config.wasm.modules.empty()) {
    return config_error("server.wasm.modules: needs --enable-wasm or server.wasm.enabled: true");
  }
  wasm_routes_ = std::make_unique<wasm::WasmRoutes>(wasm_modules_.get());
  return Status::ok_status();
}

Status GatewayRuntime::build_audit(const ServeConfig& config) {
  if (config.disable_audit_logging || !auth_->any_configured()) {
    return Status::ok_status();
  }
  audit_ = std::make_unique<audit::AuditLog>(
      audit::AuditLogOptions{.to_stderr = true, .file_path = config.audit_log_file});
  if (Status opened = audit_->open(); !opened.ok()) {
    return config_error("--audit-log-file: " + opened.message());
  }
  if (redis_) {
    audit_stream_ = std::make_unique<audit::RedisAuditStream>(
        state_client_options(config.state), config.state.key_prefix + "audit",
        config.state.audit_stream_max_len, replica_name());
    audit::RedisAuditStream* stream = audit_stream_.get();
    audit_->forward_to([stream](const audit::AuditEvent& event) { stream->publish(event); });
  }
  return Status::ok_status();
}

// Policy lines: the file, then the inline list, then the grants that callers' metrics_admin /
// content_admin flags imply (the seed's compatibility rule).
Status GatewayRuntime::build_policy(const ServeConfig& config) {
  const auto& authorization = config.admin_auth.authorization;
  policy::ParsedPolicy parsed;
  if (!authorization.policy_file.empty()) {
    auto file = policy::load_policy_file(authorization.policy_file);
    if (!file.ok()) return config_error(file.status().message());
    parsed = std::move(*file);
  }
  Status inline_lines = parsed.add_lines(authorization.policy, policy::kPolicyKeyPath);
  if (!inline_lines.ok()) return config_error(inline_lines.message());
  for (std::size_t i = 0; i < config.callers.size(); ++i) {
    const CallerConfig& caller = config.callers[i];
    std::vector<std::string> grants;
    if (caller.metrics_admin) {
      policy::append_lines(grants, policy::metrics_admin_grant(caller.token_id, caller.domain));
    }
    if (caller.content_admin) {
      policy::append_lines(grants, policy::content_admin_grant(caller.token_id, caller.domain));
    }
    Status added = parsed.add_lines(grants, "server.callers[" + std::to_string(i) + "]");
    if (!added.ok()) return config_error(added.message());
  }
  enforcer_ = std::make_unique<policy::Enforcer>(policy::Enforcer::build(std::move(parsed)));
  return Status::ok_status();
}

Status GatewayRuntime::build_admin(const ServeConfig& config) {
  auto admin = build_admin_auth(config, *http_client_, SystemClock::instance(), redis_.get());
  if (!admin.ok()) return admin.status();
  admin_auth_ = std::move(*admin);
  admin::AdminAuthRoutes* routes = admin_auth_.get();
  metrics_.add_collector([routes](std::string& out) {
    out += "# HELP smg_basic_bcrypt_runs_total bcrypt verifications run for admin Basic auth\n"
           "# TYPE smg_basic_bcrypt_runs_total counter\nsmg_basic_bcrypt_runs_total " +
           std::to_string(routes->bcrypt_runs()) + "\n";
  });
  return Status::ok_status();
}

Status GatewayRuntime::build_request_log(const ServeConfig& config) {
  auto parts = server::build_request_log(
      config, RequestLogDependencies{metrics_, enforcer_.get(), audit_.get(), *admin_auth_});
  if (!parts.ok()) return parts.status();
  request_log_ = std::move(*parts);
  return Status::ok_status();
}

// --tenant-rate-limit-config read once here: a bad file stops the start with FILE:LINE.
Status GatewayRuntime::build_rate_limits(const ServeConfig& config) {
  if (!config.tenant_rate_limit_enabled) return Status::ok_status();
  auto limits = ratelimit::load_tenant_limit_config(config.tenant_rate_limit_config);
  if (!limits.ok()) return limits.status();
  if (redis_ != nullptr) {
    // server.state.backend: redis: every replica shares the counters (per-replica on an outage).
    ratelimit::RedisStoreOptions options;
    options.key_prefix = config.state.key_prefix;
    limiter_store_ = std::make_unique<ratelimit::RedisLimiterStore>(*redis_, options, metrics_);
  } else {
    limiter_store_ = std::make_unique<ratelimit::LocalLimiterStore>(SystemClock::instance());
  }
  tenant_limiter_ = std::make_unique<ratelimit::TenantLimiter>(
      std::make_shared<const ratelimit::TenantLimitConfig>(std::move(*limits)), *limiter_store_,
      metrics_);
  log::info("smg::ratelimit", "tenant rate limits on",
            {{"tenants", std::to_string(tenant_limiter_->tenant_count())},
             {"store", limiter_store_->name()}});
  return Status::ok_status();
}

Result<std::unique_ptr<GatewayRuntime>> GatewayRuntime::build(const ServeConfig& config) {
  if (Status valid = validate_serve_config(config); !valid.ok()) return valid;
  std::unique_ptr<GatewayRuntime> runtime(new GatewayRuntime());
  runtime->config_ = config;
  runtime->http_client_ = http::make_curl_client();
  if (config.state.backend == "redis") runtime->redis_ = make_state_client(config.state);
  // One step at a time, stopping at the first error: a later step uses what an earlier one built
  // (build_audit reads auth_).
  for (auto step : {&GatewayRuntime::build_auth, &GatewayRuntime::build_policy,
                    &GatewayRuntime::build_workers, &GatewayRuntime::build_audit,
                    &GatewayRuntime::build_admin, &GatewayRuntime::build_request_log,
                    &GatewayRuntime::build_tokenizers, &GatewayRuntime::build_wasm,
                    &GatewayRuntime::build_rate_limits}) {
    if (Status built = ((*runtime).*step)(config); !built.ok()) return built;
  }
  runtime->admission_ = std::make_unique<admission::AdmissionController>(admission::AdmissionOptions{
      config.max_concurrent_requests, config.queue_size,
      std::chrono::seconds(config.queue_timeout_secs), config.rate_limit_tokens_per_second});
  GatewayParts parts{runtime->auth_.get(),
                     runtime->audit_.get(),
                     &runtime->metrics_,
                     runtime->admission_.get(),
                     runtime->proxy_.get(),
                     runtime->workers_routes_.get(),
                     runtime->registry_.get(),
                     runtime->enforcer_.get(),
                     runtime->admin_auth_.get(),
                     runtime->request_log_.recorder.get(),
                     runtime->request_log_.routes.get(),
                     runtime->request_log_.content.get(),
                     runtime->tokenizer_routes_.get(),
                     &runtime->parse_routes_,
                     runtime->wasm_routes_.get(),
                     runtime->wasm_middleware_.get()};
  parts.tenant_limiter = runtime->tenant_limiter_.get();
  parts.tokenizer_registry = runtime->tokenizers_.get();
  parts.data_plane_body_limit = config.max_payload_size;
  parts.wasm_body_limit = wasm::max_upload_bytes(config.wasm.limits);
  parts.audit_stream = runtime->audit_stream_.get();
  runtime->gateway_ = std::make_unique<Gateway>(parts);
  ListenerOptions listen;
  listen.host = config.host;
  listen.port = config.port;
  listen.tls_cert_path = config.tls_cert_path;
  listen.tls_key_path = config.tls_key_path;
  listen.max_payload_bytes = config.max_payload_size;
  listen.max_threads = config.max_threads;
  listen.io_threads = config.io_threads;
  listen.max_connections = config.max_connections;
  listen.head_timeout = std::chrono::seconds(config.request_head_timeout_secs);
  listen.body_timeout = std::chrono::seconds(config.request_body_timeout_secs);
  listen.body_min_rate = static_cast<std::size_t>(config.request_body_min_rate);
  Gateway* gateway = runtime->gateway_.get();
  listen.runs_inline = [gateway](const Request& head) { return gateway->runs_inline(head); };
  runtime->listener_ = std::make_unique<Listener>(
      listen, [gateway](Request& request) { return gateway->handle(request); },
      [gateway](Request& head) { return gateway->screen(head); }, runtime->io_.get());
  return runtime;
}

GatewayRuntime::~GatewayRuntime() { stop(); }

Result<int> GatewayRuntime::start() {
  auto port = listener_->bind();
  if (!port.ok()) return port;
  Listener* listener = listener_.get();
  metrics_.add_collector([listener](std::string& out) {
    out +=
        "# HELP smg_connections_refused_total Connections closed at accept: --max-connections "
        "were open\n# TYPE smg_connections_refused_total counter\nsmg_connections_refused_total " +
        std::to_string(listener->refused_connections()) + "\n";
    out += "# HELP smg_accept_errors_total accept() failures by reason (emfile: the process's "
           "open-files limit, enfile: the system's, enomem: ENOBUFS/ENOMEM); accepting pauses "
           "10 ms to 1 s after each\n# TYPE smg_accept_errors_total counter\n";
    for (std::size_t i = 0; i < kAcceptErrorReasons; ++i) {
      auto reason = static_cast<AcceptErrorReason>(i);
      out += "smg_accept_errors_total" +
             metrics::format_labels({{"reason", std::string(accept_error_label(reason))}}) + " " +
             std::to_string(listener->accept_errors(reason)) + "\n";
    }
  });
  if (config_.prometheus_port > 0) {
    ListenerOptions options;
    options.host = config_.prometheus_host;
    options.port = config_.prometheus_port;
    options.serving_threads = 2;  // a scrape now and then
    metrics::Registry* metrics = &metrics_;
    metrics_listener_ = std::make_unique<Listener>(options, [metrics](Request& request) {
      if (request.path != "/metrics") return error_response(404, "not_found_error", "Not found");
      return text_response(200, metrics->render(), "text/plain; version=0.0.4");
    });
    auto metrics_port = metrics_listener_->bind();
    if (!metrics_port.ok()) return metrics_port;
    metrics_thread_ = std::thread([this] {
      set_thread_name("smg-metrics");
      metrics_listener_->serve();
    });
  }
  health_->start();
  if (shared_workers_) shared_workers_->start();
  if (discovery_) discovery_->start();  // after the --worker-urls workers are in the registry
  return port;
}

bool GatewayRuntime::serve() { return listener_->serve(); }

void GatewayRuntime::stop() {
  if (audit_) audit_->shutdown();  // wakes /admin/audit followers
  if (listener_) listener_->stop();
  if (metrics_listener_) metrics_listener_->stop();
  if (metrics_thread_.joinable()) metrics_thread_.join();
  if (discovery_) discovery_->stop();  // before the health checker its callback wakes
  if (shared_workers_) shared_workers_->stop();  // likewise
  if (health_) health_->stop();
  // After the listener: requests still finishing have submitted their records.
  if (request_log_.writer) request_log_.writer->stop();
}

void GatewayRuntime::reopen_logs() {
  if (audit_ && !audit_->reopen().ok()) {
    log::error("smg::audit", "cannot reopen the audit log file", {{"path", config_.audit_log_file}});
  }
}

}  // namespace smg::server
