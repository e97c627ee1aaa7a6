#include "cli/commands/serve_flag_groups.h"

#include <string_view>

namespace smg::cli {
namespace {

struct FlagHelp {
  std::string_view flag;
  std::string_view group;
  std::string_view description;  // used only when the flag was registered without one
};

constexpr FlagHelp kServeFlags[] = {
    {"--config", "Config and state", ""},
    {"--data-dir", "Config and state", ""},
    {"--dev", "Config and state", ""},
    {"--dev-new-keys", "Config and state", ""},
    {"--host", "Listener", ""},
    {"--port", "Listener", ""},
    {"--max-connections", "Listener", ""},
    {"--max-threads", "Listener", ""},
    {"--io-threads", "Listener", ""},
    {"--max-payload-size", "Listener", ""},
    {"--request-head-timeout-secs", "Listener", ""},
    {"--request-body-timeout-secs", "Listener", ""},
    {"--request-body-min-rate", "Listener", ""},
    {"--allow-unauthenticated", "Listener", ""},
    {"--tls-cert-path", "TLS", ""},
    {"--tls-key-path", "TLS", ""},
    {"--worker-urls", "Workers", ""},
    {"--allow-link-local-workers", "Workers", ""},
    {"--tokenizer", "Workers", ""},
    {"--enable-wasm", "Workers", ""},
    {"--policy", "Routing", ""},
    {"--api-key", "Auth", ""},
    {"--tenant-api-key", "Auth", ""},
    {"--control-plane-api-keys", "Auth", ""},
    {"--jwt-issuer", "JWT", ""},
    {"--jwt-audience", "JWT", ""},
    {"--jwt-jwks-uri", "JWT", ""},
    {"--jwt-role-claim", "JWT", ""},
    {"--jwt-role-mapping", "JWT", ""},
    {"--jwt-leeway-secs", "JWT", ""},
    {"--retry-max-retries", "Retries", "Retries of a failed forward on another worker"},
    {"--retry-initial-backoff-ms", "Retries", "Wait before the first retry"},
    {"--retry-max-backoff-ms", "Retries", "Longest wait between retries"},
    {"--retry-backoff-multiplier", "Retries", "Growth of the wait from one retry to the next"},
    {"--retry-jitter-factor", "Retries", "Random share of each wait (0..1)"},
    {"--disable-retries", "Retries", "Never retry a failed forward"},
    {"--cb-failure-threshold", "Circuit breaker",
     "Failures in a window that open a worker's breaker"},
    {"--cb-success-threshold", "Circuit breaker", "Successes in half-open that close it again"},
    {"--cb-timeout-duration-secs", "Circuit breaker", "Time open before a half-open trial"},
    {"--cb-window-duration-secs", "Circuit breaker", "Window the failures are counted in"},
    {"--disable-circuit-breaker", "Circuit breaker", "Never take a failing worker out of routing"},
    {"--health-check-interval-secs", "Health", "Time between a worker's health checks"},
    {"--health-check-timeout-secs", "Health", "Time a health check may take"},
    {"--health-failure-threshold", "Health", "Failed checks in a row that mark a worker down"},
    {"--health-success-threshold", "Health", "Passed checks in a row that mark it up again"},
    {"--health-check-endpoint", "Health", "Path checked on each worker"},
    {"--max-concurrent-requests", "Admission", ""},
    {"--queue-size", "Admission", ""},
    {"--queue-timeout-secs", "Admission", "Longest a request waits for admission (503 past it)"},
    {"--rate-limit-tokens-per-second", "Admission", ""},
    {"--tenant-rate-limit-enabled", "Admission", ""},
    {"--tenant-rate-limit-config", "Admission", ""},
    {"--request-timeout-secs", "Admission", "Longest a forwarded request may take at a worker"},
    {"--log-level", "Logging and metrics", "error, warn, info, debug or trace (or $SMG_LOG)"},
    {"--log-json", "Logging and metrics", ""},
    {"--disable-audit-logging", "Logging and metrics", ""},
    {"--audit-log-file", "Logging and metrics", ""},
    {"--prometheus-host", "Logging and metrics", "Address of the separate /metrics listener"},
    {"--prometheus-port", "Logging and metrics", ""},
    {"--service-discovery", "Discovery", ""},
    {"--selector", "Discovery", ""},
    {"--service-discovery-port", "Discovery", ""},
    {"--service-discovery-namespace", "Discovery", ""},
    {"--kubeconfig", "Discovery", ""},
};

const FlagHelp* find(const std::string& flag) {
  for (const auto& help : kServeFlags) {
    if (help.flag == flag) return &help;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> serve_flag_group(const std::string& flag) {
  const FlagHelp* help = find(flag);
  if (help == nullptr) return std::nullopt;
  return std::string(help->group);
}

void group_serve_flags(CLI::App& serve) {
  for (CLI::Option* option : serve.get_options()) {
    const FlagHelp* help = find(option->get_name());
    if (help == nullptr) continue;  // --help; a new flag fails serve_flag_groups_test
    option->group(std::string(help->group));
    if (option->get_description().empty() && !help->description.empty()) {
      option->description(std::string(help->description));
    }
  }
}

}  // namespace smg::cli
