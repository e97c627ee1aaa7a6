// `smgctl serve`: the gateway, with SMG's flags, and `--dev` for trying it in one
// command (a built-in test worker, generated keys, ready curl lines).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/commands/serve_flag_groups.h"
#include "cli/exit_codes.h"
#include "cli/state/dev_keys.h"
#include "cli/state/state_dir.h"
#include "common/log/logger.h"
#include "common/os/open_files_limit.h"
#include "server/devworker/dev_worker.h"
#include "server/gateway/gateway_runtime.h"
#include "server/gateway/serve_config_yaml.h"

namespace smg::cli {
namespace {

struct ServeFlags {
  server::ServeConfig config;
  bool dev = false;
  bool dev_new_keys = false;
  int health_interval = 10, health_timeout = 5, cb_timeout = 60, cb_window = 120;
  int retry_initial_ms = 50, retry_max_ms = 30000;
  std::vector<std::string> selector;  // k=v items; replace server.discovery.selector when given
  std::vector<std::string> tokenizers;  // NAME=SOURCE items; replace server.tokenizers when given
};

// --tokenizer NAME=SOURCE, both parts non-empty.
std::vector<server::TokenizerStartup> parse_tokenizer_flags(const std::vector<std::string>& items) {
  std::vector<server::TokenizerStartup> tokenizers;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto eq = items[i].find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == items[i].size()) {
      throw UsageError("--tokenizer #" + std::to_string(i + 1) +
                       ": expected NAME=SOURCE (a tokenizer file, directory or Hub repository id)");
    }
    tokenizers.push_back({items[i].substr(0, eq), items[i].substr(eq + 1)});
  }
  return tokenizers;
}

// Kubernetes service discovery, SMG's flags.
void add_discovery_flags(CLI::App& cmd, ServeFlags& f) {
  auto& d = f.config.discovery;
  cmd.add_flag("--service-discovery", d.enabled, "Discover workers from Kubernetes pods");
  cmd.add_option("--selector", f.selector, "Pod label k=v the workers carry (repeatable)")
      ->expected(1, -1);
  cmd.add_option("--service-discovery-port", d.port,
                 "Worker port when a pod has no smg.ai/worker-ports annotation")
      ->capture_default_str();
  cmd.add_option("--service-discovery-namespace", d.namespace_name,
                 "Namespace to watch (default: all namespaces)");
  cmd.add_option("--kubeconfig", d.kubeconfig,
                 "kubeconfig file (else $KUBECONFIG, else the in-cluster service account)");
}

void add_core_flags(CLI::App& cmd, ServeFlags& f) {
  auto& c = f.config;
  // Defined first: CLI11 applies options in definition order after parsing, so the file's values
  // land before every flag and environment variable overrides them.
  cmd.add_option_function<std::string>(
         "--config",
         [&c](const std::string& path) {
           if (Status loaded = server::load_serve_config_file(path, c); !loaded.ok()) {
             throw UsageError(loaded.message());
           }
         },
         "YAML config file (flags override it)")
      ->envname("SMG_CONFIG");
  cmd.add_option("--host", c.host, "Listen address")->capture_default_str();
  cmd.add_option("--port", c.port, "Listen port (0: any free port)")->capture_default_str();
  cmd.add_option("--worker-urls", c.worker_urls, "Initial worker URLs")->expected(1, -1);
  cmd.add_option("--policy", c.policy, "random, round_robin, power_of_two, cache_aware")
      ->capture_default_str();
  cmd.add_option("--api-key", c.api_key, "Shared data-plane key, also sent to workers")
      ->envname("SMG_API_KEY");
  cmd.add_option("--tenant-api-key", c.tenant_api_keys, "TENANT:KEY data-plane key (repeatable)");
  cmd.add_option("--control-plane-api-keys", c.control_plane_api_keys,
                 "id:name:role:key (repeatable; else $CONTROL_PLANE_API_KEYS)")
      ->expected(1, -1);
  cmd.add_option("--jwt-issuer", c.jwt_issuer, "OIDC issuer URL")->envname("JWT_ISSUER");
  cmd.add_option("--jwt-audience", c.jwt_audience, "Expected audience")->envname("JWT_AUDIENCE");
  cmd.add_option("--jwt-jwks-uri", c.jwt_jwks_uri, "JWKS URL (default: discovery)")
      ->envname("JWT_JWKS_URI");
  cmd.add_option("--jwt-role-claim", c.jwt_role_claim, "Claim holding roles")->capture_default_str();
  cmd.add_option("--jwt-role-mapping", c.jwt_role_mapping, "IDP_ROLE=admin|user (repeatable)")
      ->expected(1, -1);
  cmd.add_option("--jwt-leeway-secs", c.jwt_leeway_secs, "Clock-skew leeway")->capture_default_str();
  cmd.add_flag("--disable-audit-logging", c.disable_audit_logging, "Turn control-plane audit off");
  cmd.add_option("--audit-log-file", c.audit_log_file, "Append audit events to this file");
  cmd.add_option("--tls-cert-path", c.tls_cert_path, "PEM certificate: serve HTTPS");
  cmd.add_option("--tls-key-path", c.tls_key_path, "PEM private key");
  cmd.add_option("--data-dir", c.data_dir, "State directory")->envname("SMG_DATA_DIR");
  cmd.add_flag("--allow-unauthenticated", c.allow_unauthenticated,
               "Allow a non-loopback --host with no authentication");
  cmd.add_flag("--allow-link-local-workers", c.allow_link_local_workers,
               "Allow workers at link-local and cloud metadata addresses (169.254.0.0/16, ...)");
  cmd.add_option("--tokenizer", f.tokenizers,
                 "NAME=SOURCE tokenizer to load before serving (repeatable; file, directory or "
                 "Hub repository id)");
  cmd.add_flag("--enable-wasm", c.wasm.enabled, "Allow WASM middleware modules (/wasm)");
  cmd.add_flag("--dev", f.dev,
               "Start a built-in test worker, with keys and data kept under "
               "$XDG_STATE_HOME/smgctl/dev");
  cmd.add_flag("--dev-new-keys", f.dev_new_keys, "With --dev: replace the kept keys with new ones");
  add_discovery_flags(cmd, f);
}

void add_tuning_flags(CLI::App& cmd, ServeFlags& f) {
  auto& c = f.config;
  cmd.add_option("--max-concurrent-requests", c.max_concurrent_requests, "0: unlimited");
  cmd.add_option("--queue-size", c.queue_size, "Requests that may wait")->capture_default_str();
  cmd.add_option("--queue-timeout-secs", c.queue_timeout_secs)->capture_default_str();
  cmd.add_option("--rate-limit-tokens-per-second", c.rate_limit_tokens_per_second,
                 "Refill of the --max-concurrent-requests token bucket (0: none)")
      ->check(CLI::Range(0.0, 1e9));
  cmd.add_flag("--tenant-rate-limit-enabled", c.tenant_rate_limit_enabled,
               "Per-tenant requests and tokens per minute on the data plane");
  cmd.add_option("--tenant-rate-limit-config", c.tenant_rate_limit_config,
                 "YAML of the tenant limits: default_policy, tenants, model_rules");
  cmd.add_option("--request-timeout-secs", c.request_timeout_secs)->capture_default_str();
  cmd.add_option("--max-payload-size", c.max_payload_size,
                 "Largest data-plane request body in bytes (413 past it)")->capture_default_str();
  cmd.add_option("--retry-max-retries", c.retry.max_retries)->capture_default_str();
  cmd.add_option("--retry-initial-backoff-ms", f.retry_initial_ms)->capture_default_str();
  cmd.add_option("--retry-max-backoff-ms", f.retry_max_ms)->capture_default_str();
  cmd.add_option("--retry-backoff-multiplier", c.retry.backoff_multiplier)->capture_default_str();
  cmd.add_option("--retry-jitter-factor", c.retry.jitter_factor)->capture_default_str();
  cmd.add_flag("--disable-retries", [&c](std::int64_t) { c.retry.enabled = false; });
  cmd.add_option("--cb-failure-threshold", c.circuit_breaker.failure_threshold)->capture_default_str();
  cmd.add_option("--cb-success-threshold", c.circuit_breaker.success_threshold)->capture_default_str();
  cmd.add_option("--cb-timeout-duration-secs", f.cb_timeout)->capture_default_str();
  cmd.add_option("--cb-window-duration-secs", f.cb_window)->capture_default_str();
  cmd.add_flag("--disable-circuit-breaker", [&c](std::int64_t) { c.circuit_breaker.enabled = false; });
  cmd.add_option("--health-check-interval-secs", f.health_interval)->capture_default_str();
  cmd.add_option("--health-check-timeout-secs", f.health_timeout)->capture_default_str();
  cmd.add_option("--health-failure-threshold", c.health.failure_threshold)->capture_default_str();
  cmd.add_option("--health-success-threshold", c.health.success_threshold)->capture_default_str();
  cmd.add_option("--health-check-endpoint", c.health.endpoint)->capture_default_str();
  cmd.add_option("--prometheus-host", c.prometheus_host)->capture_default_str();
  cmd.add_option("--prometheus-port", c.prometheus_port, "Separate unauthenticated /metrics");
  cmd.add_option("--log-level", c.log_level)->envname("SMG_LOG")->capture_default_str();
  cmd.add_flag("--log-json", c.log_json, "JSON log lines");
  cmd.add_option("--max-threads", c.max_threads,
                 "Blocking-pool threads at most (handlers, authentication, SQLite)")
      ->capture_default_str();
  cmd.add_option("--io-threads", c.io_threads,
                 "I/O threads running every connection and worker exchange (0: one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd.add_option("--max-connections", c.max_connections,
                 "Open client connections at most; past it new ones are closed at once (0: no cap)")
      ->capture_default_str();
  cmd.add_option("--request-head-timeout-secs", c.request_head_timeout_secs,
                 "Time a client has to send a whole request head (408 past it)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd.add_option("--request-body-timeout-secs", c.request_body_timeout_secs,
                 "Time a request body has from the end of its head, before "
                 "--request-body-min-rate extends it (408 past it)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd.add_option("--request-body-min-rate", c.request_body_min_rate,
                 "Bytes per second of body that extend its time by one second each (0: off)")
      ->check(CLI::Range(0, 1 << 30))
      ->capture_default_str();
}

void apply_durations(ServeFlags& f) {
  auto& c = f.config;
  if (!f.selector.empty()) c.discovery.selector = discovery::parse_selector(f.selector);
  if (!f.tokenizers.empty()) c.tokenizers = parse_tokenizer_flags(f.tokenizers);
  c.health.interval = std::chrono::seconds(f.health_interval);
  c.health.timeout = std::chrono::seconds(f.health_timeout);
  c.circuit_breaker.timeout = std::chrono::seconds(f.cb_timeout);
  c.circuit_breaker.window = std::chrono::seconds(f.cb_window);
  c.retry.initial_backoff = std::chrono::milliseconds(f.retry_initial_ms);
  c.retry.max_backoff = std::chrono::milliseconds(f.retry_max_ms);
}

// Blocks SIGINT/SIGTERM/SIGHUP in every thread (call before any thread starts) so that one thread
// can take them with sigtimedwait.
sigset_t block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

struct DevSetup {
  std::unique_ptr<devworker::DevWorker> worker;
  std::string admin_key, user_key, model = "smg-dev-echo";
};

// --dev's keys and data live in smgctl's state folder, not wherever the command was run.
DevSetup start_dev_worker(server::ServeConfig& config, bool new_keys) {
  auto state = smgctl_state_dir();
  if (!state.ok()) throw CommandError(kExitFailure, "serve --dev: " + state.status().message());
  const std::string dir = *state + "/dev";
  auto keys = load_dev_keys(dir, new_keys);
  if (!keys.ok()) throw CommandError(kExitFailure, "serve --dev: " + keys.status().message());
  if (config.data_dir == server::ServeConfig{}.data_dir) config.data_dir = dir + "/data";
  DevSetup dev;
  devworker::DevWorkerOptions options;
  options.models = {dev.model};
  dev.worker = std::make_unique<devworker::DevWorker>(options);
  auto port = dev.worker->start();
  if (!port.ok()) throw CommandError(kExitFailure, "dev worker: " + port.status().message());
  config.worker_urls.push_back("http://127.0.0.1:" + std::to_string(*port));
  dev.admin_key = keys->admin_key;
  dev.user_key = keys->user_key;
  config.control_plane_api_keys.push_back("dev-admin:Dev Admin:admin:" + dev.admin_key);
  config.control_plane_api_keys.push_back("dev-user:Dev User:user:" + dev.user_key);
  return dev;
}

void print_dev_banner(std::ostream& out, const DevSetup& dev, const std::string& base) {
  out << "smg dev gateway: " << base << "  (built-in test worker " << dev.worker->port()
      << ", model " << dev.model << ")\n"
      << "  admin key (control plane): " << dev.admin_key << "\n"
      << "  user key  (data plane):    " << dev.user_key << "\n"
      << "The keys are kept for the next --dev run (--dev-new-keys replaces them). Try:\n"
      << "  curl -s " << base << "/v1/chat/completions -H 'Authorization: Bearer " << dev.user_key
      << "' -H 'Content-Type: application/json' -d '{\"model\":\"" << dev.model
      << "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello smg\"}]}'\n"
      << "  curl -sN " << base << "/v1/chat/completions -H 'Authorization: Bearer "
      << dev.user_key << "' -H 'Content-Type: application/json' -d '{\"model\":\"" << dev.model
      << "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}'\n"
      << "  curl -s " << base << "/workers -H 'Authorization: Bearer " << dev.admin_key << "'\n"
      << "Manage it with smgctl (saves a context named dev):\n"
      << "  printf '%s\\n' '" << dev.admin_key << "' | smgctl context set dev --server " << base
      << " --token-stdin\n"
      << "  smgctl --context dev workers list\n"
      << "Point an OpenAI SDK at it:\n"
      << "  export OPENAI_BASE_URL=" << base << "/v1 OPENAI_API_KEY=" << dev.user_key << "\n";
}

int run_serve(ServeFlags& flags, CliContext& context) {
  apply_durations(flags);
  auto& config = flags.config;
  log::Level level;
  if (!log::parse_level(config.log_level, level)) {
    throw UsageError("--log-level: must be trace, debug, info, warn, error or off");
  }
  log::configure({.level = level, .json = config.log_json});
  // Before any thread starts: each connection is a descriptor (open_files_limit.h).
  Result<os::OpenFilesLimit> open_files = os::raise_open_files_limit();
  sigset_t signals = block_signals();
  DevSetup dev;
  if (flags.dev_new_keys && !flags.dev) throw UsageError("--dev-new-keys needs --dev");
  if (flags.dev) dev = start_dev_worker(config, flags.dev_new_keys);
  auto runtime = server::GatewayRuntime::build(config);
  if (!runtime.ok()) throw UsageError(runtime.status().message());
  auto port = (*runtime)->start();
  // A port in use exits 1 (as dev-worker); an unusable certificate is a usage error (2).
  if (!port.ok()) {
    bool unavailable = port.status().code() == Code::kUnavailable;
    throw CommandError(unavailable ? kExitFailure : kExitUsage,
                       listen_failure_message(port.status()));
  }
  std::string base = std::string((*runtime)->tls() ? "https" : "http") + "://" +
                     (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host) +
                     ":" + std::to_string(*port);
  log::info("smg::server", "listening",
            {{"address", base},
             {"workers", std::to_string(config.worker_urls.size())},
             {"policy", config.policy},
             {"jwt_issuer", config.jwt_issuer},
             {"callers", std::to_string(config.callers.size())},
             {"basic", config.admin_auth.basic.enabled ? "on" : "off"},
             {"oidc", config.admin_auth.oidc.enabled ? "on" : "off"},
             {"audit", (*runtime)->audit_enabled() ? "on" : "off"}});
  os::log_open_files_limit(open_files);
  if (flags.dev) print_dev_banner(*context.out, dev, base);
  *context.out << "smg listening on " << base << std::endl;

  std::atomic<bool> done{false};
  server::GatewayRuntime* running = runtime->get();
  std::thread signal_thread([&] {
    timespec tick{0, 200 * 1000 * 1000};
    while (!done.load()) {
      int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGHUP) {
        running->reopen_logs();
      } else if (sig == SIGINT || sig == SIGTERM) {
        log::info("smg::server", "shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
        running->stop();
        return;
      }
    }
  });
  bool served = running->serve();
  done.store(true);
  signal_thread.join();
  running->stop();
  return served ? kExitOk : kExitFailure;
}

}  // namespace

void register_serve_command(CLI::App& app, CliContext& context) {
  auto flags = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Run the gateway (SMG-compatible flags)");
  add_core_flags(*cmd, *flags);
  add_tuning_flags(*cmd, *flags);
  group_serve_flags(*cmd);
  cmd->callback([flags, &context] { context.exit_code = run_serve(*flags, context); });
}

}  // namespace smg::cli
