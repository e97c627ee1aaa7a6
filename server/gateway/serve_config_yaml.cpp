#include "server/gateway/serve_config_yaml.h"

#include <algorithm>
#include <filesystem>

#include "common/config/duration.h"
#include "common/config/yaml_reader.h"
#include "common/crypto/crypto.h"
#include "common/jwt/claims.h"
#include "server/gateway/serve_config_keys.h"
#include "server/routing/policy.h"
#include "server/workers/worker_body.h"
#include "common/redis/redis_url.h"

namespace smg::server {
namespace {

using config::Node;
using config::YamlReader;

constexpr int64_t kMaxPort = 65535;

void read_workers(YamlReader& r, const Node& server, ServeConfig& c) {
  Node workers = r.child(server, "workers");
  r.check_keys(workers);
  if (!workers.present()) return;
  // Values checked here, not later by validate_serve_config: an error then names this key and
  // its line instead of the flag (--policy, --worker-urls) the user never typed.
  for (const Node& item : r.items(workers, "urls")) {
    if (!item.node.IsScalar()) {
      r.error(item.path, "must be a string", item.node.Mark().line);
    } else if (auto url = workers::normalize_worker_url(item.node.Scalar()); !url.ok()) {
      r.error(item.path, url.status().message(), item.node.Mark().line);
    }
  }
  auto urls = r.get_strings(workers, "urls");
  if (!urls.empty()) c.worker_urls = urls;
  if (auto key = r.get_env_value(workers, "api_key_env", false)) c.api_key = *key;
  std::string policy = r.get_string(workers, "policy", c.policy);
  if (routing::make_policy(policy).ok()) {
    c.policy = policy;
  } else {
    r.error(workers, "policy", "must be one of random, round_robin, power_of_two, cache_aware");
  }
}

// server.discovery: {enabled, selector: {app: sglang-worker}, port, namespace, kubeconfig}.
void read_discovery(YamlReader& r, const Node& server, ServeConfig& c) {
  Node node = r.child(server, "discovery");
  r.check_keys(node);
  if (!node.present()) return;
  auto& d = c.discovery;
  d.enabled = r.get_bool(node, "enabled", d.enabled);
  auto selector = r.get_string_map(node, "selector");
  if (!selector.empty()) d.selector.assign(selector.begin(), selector.end());
  d.port = static_cast<int>(r.get_int(node, "port", d.port, 1, kMaxPort));
  d.namespace_name = r.get_string(node, "namespace", d.namespace_name);
  d.kubeconfig = r.get_string(node, "kubeconfig", d.kubeconfig);
}

// server.tokenizers: [{name, source}], loaded before serving.
void read_tokenizers(YamlReader& r, const Node& server, ServeConfig& c) {
  for (const Node& item : r.items(server, "tokenizers")) {
    r.check_keys(item);
    c.tokenizers.push_back({r.require_string(item, "name"), r.require_string(item, "source")});
  }
}

void read_jwt(YamlReader& r, const Node& control, ServeConfig& c) {
  Node jwt = r.child(control, "jwt");
  r.check_keys(jwt);
  if (!jwt.present()) return;
  c.jwt_issuer = r.require_string(jwt, "issuer");
  c.jwt_audience = r.require_string(jwt, "audience");
  c.jwt_jwks_uri = r.get_string(jwt, "jwks_uri", c.jwt_jwks_uri);
  c.jwt_role_claim = r.get_string(jwt, "role_claim", c.jwt_role_claim);
  c.jwt_leeway_secs = static_cast<int>(r.get_int(jwt, "leeway_secs", c.jwt_leeway_secs, 0, 3600));
  for (const auto& [idp, role] : r.get_string_map(jwt, "role_mapping")) {
    if (auto entry = jwt::parse_role_mapping(idp + "=" + role); !entry.ok()) {
      r.error(YamlReader::join(jwt.path, "role_mapping." + idp), entry.status().message(),
              jwt.node["role_mapping"][idp].Mark().line);
    }
    c.jwt_role_mapping.push_back(idp + "=" + role);
  }
}

void read_control_plane(YamlReader& r, const Node& server, ServeConfig& c) {
  Node control = r.child(server, "control_plane");
  r.check_keys(control);
  if (!control.present()) return;
  if (auto list = r.get_env_value(control, "api_keys_env", false)) {
    c.control_plane_api_keys.clear();
    std::size_t start = 0;
    while (start <= list->size()) {
      std::size_t comma = std::min(list->find(',', start), list->size());
      std::string spec = list->substr(start, comma - start);
      spec.erase(0, spec.find_first_not_of(" \t"));
      spec.erase(spec.find_last_not_of(" \t") + 1);
      if (!spec.empty()) c.control_plane_api_keys.push_back(spec);
      start = comma + 1;
    }
  }
  read_jwt(r, control, c);
  c.disable_audit_logging = !r.get_bool(control, "audit_logging", !c.disable_audit_logging);
  c.audit_log_file = r.get_string(control, "audit_log_file", c.audit_log_file);
}

void read_caller(YamlReader& r, const Node& item, ServeConfig& c) {
  r.check_keys(item);
  CallerConfig caller;
  caller.token_id = r.require_string(item, "token_id");
  caller.domain = r.require_string(item, "domain");
  caller.status = r.get_string(item, "status", caller.status);
  static const std::vector<std::string> kStatuses = {"active", "disabled", "suspended", "expired",
                                                     "rotated"};
  if (std::find(kStatuses.begin(), kStatuses.end(), caller.status) == kStatuses.end()) {
    r.error(item, "status", "must be active, disabled, suspended, expired or rotated");
  }
  caller.metrics_admin = r.get_bool(item, "metrics_admin", false);
  caller.content_admin = r.get_bool(item, "content_admin", false);
  std::string digest = r.get_string(item, "token_sha256");
  auto token = r.get_env_value(item, "token_env", false);
  if (digest.empty() == !token.has_value()) {
    r.error(item.path, "exactly one of token_sha256 and token_env is required",
            item.node.Mark().line);
  } else if (token) {
    caller.token_sha256_hex = crypto::sha256_hex(*token);
  } else if (auto raw = crypto::from_hex(digest); !raw.ok() || raw->size() != 32) {
    r.error(item, "token_sha256", "must be 64 hexadecimal characters");
  } else {
    caller.token_sha256_hex = crypto::to_hex(*raw);
  }
  c.callers.push_back(std::move(caller));
}

void read_basic(YamlReader& r, const Node& admin, BasicAuthConfig& basic) {
  Node node = r.child(admin, "basic");
  r.check_keys(node);
  if (!node.present()) return;
  basic.enabled = r.get_bool(node, "enabled", false);
  basic.realm = r.get_string(node, "realm", basic.realm);
  basic.allow_insecure_http = r.get_bool(node, "allow_insecure_http", false);
  basic.trusted_proxy_cidrs = r.get_strings(node, "trusted_proxy_cidrs");
  for (const Node& item : r.items(node, "users")) {
    r.check_keys(item);
    basic::BasicUser user;
    user.username = r.require_string(item, "username");
    if (user.username.find(':') != std::string::npos) {
      r.error(item, "username", "must not contain ':'");
    }
    user.password_hash = r.get_env_value(item, "password_hash_env", basic.enabled).value_or("");
    user.subject = r.get_string(item, "subject", "basic:" + user.username);
    user.domain = r.get_string(item, "domain");
    user.permissions = r.get_strings(item, "permissions");
    basic.users.push_back(std::move(user));
  }
  if (basic.enabled && basic.users.empty()) r.error(node, "users", "required");
}

void read_oidc(YamlReader& r, const Node& admin, OidcConfig& oidc) {
  Node node = r.child(admin, "oidc");
  r.check_keys(node);
  if (!node.present()) return;
  oidc.enabled = r.get_bool(node, "enabled", false);
  if (!oidc.enabled) return;
  oidc.issuer_url = r.require_string(node, "issuer_url");
  oidc.client_id = r.get_env_value(node, "client_id_env", true).value_or("");
  oidc.client_secret = r.get_env_value(node, "client_secret_env", false).value_or("");
  oidc.redirect_url = r.require_string(node, "redirect_url");
  auto scopes = r.get_strings(node, "scopes");
  if (!scopes.empty()) {
    if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
      scopes.insert(scopes.begin(), "openid");
    }
    oidc.scopes = scopes;
  }
  oidc.allowed_domains = r.get_strings(node, "allowed_domains");
  oidc.groups_claim = r.get_string(node, "groups_claim", oidc.groups_claim);
  oidc.email_claim = r.get_string(node, "email_claim", oidc.email_claim);
  oidc.subject_claim = r.get_string(node, "subject_claim", oidc.subject_claim);
  oidc.domain = r.get_string(node, "domain");
}

int64_t read_duration_secs(YamlReader& r, const Node& node, const std::string& key,
                           int64_t fallback) {
  std::string text = r.get_string(node, key);
  if (text.empty()) return fallback;
  auto ms = config::parse_duration_ms(text);
  if (!ms.ok() || *ms < 1000) {
    r.error(node, key, "must be a duration like 30m or 8h");
    return fallback;
  }
  return *ms / 1000;
}

void read_sessions(YamlReader& r, const Node& admin, SessionConfig& sessions) {
  Node node = r.child(admin, "sessions");
  r.check_keys(node);
  if (!node.present()) return;
  sessions.cookie_name = r.get_string(node, "cookie_name", sessions.cookie_name);
  sessions.ttl_secs = read_duration_secs(r, node, "ttl", sessions.ttl_secs);
  sessions.idle_timeout_secs =
      read_duration_secs(r, node, "idle_timeout", sessions.idle_timeout_secs);
  sessions.login_timeout_secs =
      read_duration_secs(r, node, "login_timeout", sessions.login_timeout_secs);
  sessions.secure_cookies = r.get_bool(node, "secure_cookies", sessions.secure_cookies);
  sessions.same_site = r.get_string(node, "same_site", sessions.same_site);
  if (sessions.same_site != "strict" && sessions.same_site != "lax" &&
      sessions.same_site != "none") {
    r.error(node, "same_site", "must be strict, lax or none");
  }
  sessions.store = r.get_string(node, "store", sessions.store);
  if (sessions.store != "memory" && sessions.store != "sqlite") {
    r.error(node, "store", "must be memory or sqlite");
  }
}

void read_admin_auth(YamlReader& r, const Node& server, ServeConfig& c) {
  Node admin = r.child(server, "admin_auth");
  r.check_keys(admin);
  read_basic(r, admin, c.admin_auth.basic);
  read_oidc(r, admin, c.admin_auth.oidc);
  read_sessions(r, admin, c.admin_auth.sessions);
  Node authz = r.child(admin, "authorization");
  r.check_keys(authz);
  if (authz.present()) {
    c.admin_auth.authorization.enabled = r.get_bool(authz, "enabled", false);
    if (r.get_string(authz, "source", "static") != "static") {
      r.error(authz, "source", "only static is supported");
    }
    c.admin_auth.authorization.policy_file = r.get_string(authz, "policy_file");
    c.admin_auth.authorization.policy = r.get_strings(authz, "policy");
  }
}

void read_tuning(YamlReader& r, const Node& server, ServeConfig& c) {
  Node tls = r.child(server, "tls");
  r.check_keys(tls);
  std::string cert = r.get_string(tls, "cert_path");
  std::string key = r.get_string(tls, "key_path");
  if (cert.empty() != key.empty()) {
    const char* missing = cert.empty() ? "cert_path" : "key_path";
    const char* given = cert.empty() ? "key_path" : "cert_path";
    r.error(tls, missing, std::string("required with server.tls.") + given);
  }
  if (!cert.empty()) c.tls_cert_path = cert;
  if (!key.empty()) c.tls_key_path = key;
  Node admission = r.child(server, "admission");
  r.check_keys(admission);
  c.max_concurrent_requests = static_cast<std::size_t>(
      r.get_int(admission, "max_concurrent_requests",
                static_cast<int64_t>(c.max_concurrent_requests), 0, 1000000));
  c.queue_size = static_cast<std::size_t>(
      r.get_int(admission, "queue_size", static_cast<int64_t>(c.queue_size), 0, 1000000));
  c.queue_timeout_secs =
      static_cast<int>(r.get_int(admission, "queue_timeout_secs", c.queue_timeout_secs, 1, 86400));
  c.rate_limit_tokens_per_second =
      r.get_double(admission, "rate_limit_tokens_per_second", c.rate_limit_tokens_per_second);
  Node tenant_limits = r.child(server, "tenant_rate_limit");
  r.check_keys(tenant_limits);
  c.tenant_rate_limit_enabled = r.get_bool(tenant_limits, "enabled", c.tenant_rate_limit_enabled);
  c.tenant_rate_limit_config = r.get_string(tenant_limits, "config", c.tenant_rate_limit_config);
  Node logging = r.child(server, "logging");
  r.check_keys(logging);
  c.log_level = r.get_string(logging, "level", c.log_level);
  c.log_json = r.get_bool(logging, "json", c.log_json);
  Node metrics = r.child(server, "metrics");
  r.check_keys(metrics);
  c.prometheus_host = r.get_string(metrics, "prometheus_host", c.prometheus_host);
  c.prometheus_port =
      static_cast<int>(r.get_int(metrics, "prometheus_port", c.prometheus_port, 0, kMaxPort));
}

void read_request_log(YamlReader& r, const Node& server, ServeConfig& c) {
  Node log = r.child(server, "request_log");
  r.check_keys(log);
  c.request_log_enabled = r.get_bool(log, "enabled", c.request_log_enabled);
  c.request_log_queue_size = static_cast<std::size_t>(
      r.get_int(log, "queue_size", static_cast<int64_t>(c.request_log_queue_size), 1, 10000000));
  c.request_log_backend = r.get_string(log, "backend", c.request_log_backend);
  c.request_log_dsn_env = r.get_string(log, "dsn_env", c.request_log_dsn_env);
  if (c.request_log_backend != "sqlite" && c.request_log_backend != "postgres") {
    r.error(YamlReader::join(log.path, "backend"), "must be sqlite or postgres");
  }
  bool named = !c.request_log_dsn_env.empty() &&
               c.request_log_dsn_env.find_first_not_of(
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                   std::string::npos;
  if (c.request_log_backend == "postgres" && !named) {
    r.error(YamlReader::join(log.path, "dsn_env"),
            "backend postgres needs the name of the environment variable holding the DSN");
  }
  Node capture = r.child(server, "content_capture");
  r.check_keys(capture);
  c.content_capture_enabled = r.get_bool(capture, "enabled", c.content_capture_enabled);
  c.content_capture_retention = r.get_string(capture, "retention", c.content_capture_retention);
  auto retention = config::parse_duration_ms(c.content_capture_retention);
  if (!retention.ok() || *retention <= 0) {
    r.error(capture, "retention", "must be a duration like 30d");
  }
  auto domains = r.get_strings(capture, "domains");
  if (!domains.empty()) c.content_capture_domains = domains;
  c.content_capture_max_bytes = static_cast<std::size_t>(
      r.get_int(capture, "max_body_bytes", static_cast<int64_t>(c.content_capture_max_bytes), 0,
                int64_t{64} << 20));
  c.content_capture_purge_interval_secs = read_duration_secs(
      r, capture, "purge_interval", c.content_capture_purge_interval_secs);
  if (c.content_capture_enabled && !c.request_log_enabled) {
    r.error(capture, "enabled", "needs server.request_log.enabled");
  }
}

// server.state: {backend: local|redis, redis_url_env, timeout_ms, key_prefix,
// audit_stream_max_len}. The URL is read (and checked) here so an error names the line.
void read_state(YamlReader& r, const Node& server, ServeConfig& c) {
  Node node = r.child(server, "state");
  r.check_keys(node);
  if (!node.present()) return;
  StateConfig& state = c.state;
  state.backend = r.get_string(node, "backend", state.backend);
  if (state.backend != "local" && state.backend != "redis") {
    r.error(YamlReader::join(node.path, "backend"), "must be local or redis");
  }
  state.timeout_ms = r.get_int(node, "timeout_ms", state.timeout_ms, 10, 60000);
  state.key_prefix = r.get_string(node, "key_prefix", state.key_prefix);
  state.audit_stream_max_len = static_cast<std::size_t>(r.get_int(
      node, "audit_stream_max_len", static_cast<int64_t>(state.audit_stream_max_len), 100,
      100000000));
  state.redis_url_env = r.get_string(node, "redis_url_env");
  if (state.backend != "redis") {
    if (!state.redis_url_env.empty()) {
      r.error(YamlReader::join(node.path, "redis_url_env"), "needs backend: redis");
    }
    return;
  }
  auto url = r.get_env_value(node, "redis_url_env", true);
  if (!url) return;
  if (auto parsed = redis::parse_redis_url(*url); !parsed.ok()) {
    r.error(YamlReader::join(node.path, "redis_url_env"), parsed.status().message());
    return;
  }
  state.redis_url = *url;
}

void read_server(YamlReader& r, const Node& server, ServeConfig& c) {
  r.check_keys(server);
  c.host = r.get_string(server, "host", c.host);
  c.port = static_cast<int>(r.get_int(server, "port", c.port, 0, kMaxPort));
  c.data_dir = r.get_string(server, "data_dir", c.data_dir);
  c.allow_unauthenticated = r.get_bool(server, "allow_unauthenticated", c.allow_unauthenticated);
  c.allow_link_local_workers =
      r.get_bool(server, "allow_link_local_workers", c.allow_link_local_workers);
  c.request_timeout_secs =
      static_cast<int>(r.get_int(server, "request_timeout_secs", c.request_timeout_secs, 1, 86400));
  c.max_payload_size = static_cast<std::size_t>(r.get_int(
      server, "max_payload_size", static_cast<int64_t>(c.max_payload_size), 1, int64_t{1} << 34));
  read_workers(r, server, c);
  read_discovery(r, server, c);
  read_tokenizers(r, server, c);
  wasm::read_wasm_config(r, server, c.wasm);
  read_control_plane(r, server, c);
  for (const Node& item : r.items(server, "callers")) read_caller(r, item, c);
  read_admin_auth(r, server, c);
  read_tuning(r, server, c);
  Node reports = r.child(server, "admin_reports");
  r.check_keys(reports);
  c.admin_reports_enabled = r.get_bool(reports, "enabled", c.admin_reports_enabled);
  read_request_log(r, server, c);
  read_state(r, server, c);
}

}  // namespace

Status load_serve_config(const YAML::Node& root, ServeConfig& config, const std::string& source) {
  YamlReader reader(root, &serve_config_keys(), source);
  reader.check_keys(reader.root());
  Node server = reader.child(reader.root(), "server");
  if (!server.present() && reader.ok()) reader.error("server", "required");
  if (server.present()) read_server(reader, server, config);
  return reader.first_error();
}

Status load_serve_config_file(const std::string& path, ServeConfig& config) {
  auto root = config::YamlReader::load_file(path);
  if (!root.ok()) return root.status();
  // Which file and line, as a compiler says it: "config.yaml:2: server.bogus: unknown key ...".
  Status loaded = load_serve_config(*root, config, path);
  // A relative policy_file is relative to the config file, as operators expect of an include.
  std::string& policy_file = config.admin_auth.authorization.policy_file;
  if (loaded.ok() && !policy_file.empty() && policy_file.front() != '/') {
    policy_file = (std::filesystem::path(path).parent_path() / policy_file).string();
  }
  return loaded;
}

}  // namespace smg::server
