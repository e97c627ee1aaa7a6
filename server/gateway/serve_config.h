// ServeConfig: everything `smgctl serve` is told, as plain values (flags > environment > config
// file > the defaults below, which are SMG's unless noted). Secrets stay in
// this struct only until GatewayRuntime::build has hashed them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/basic/basic_authenticator.h"
#include "server/auth/caller_config.h"
#include "server/discovery/discovery_config.h"
#include "server/proxy/data_plane_proxy.h"
#include "server/wasm/wasm_config.h"
#include "server/workers/circuit_breaker.h"
#include "server/workers/health_checker.h"

namespace smg::server {

// A tokenizer loaded before serving (`--tokenizer NAME=SOURCE`, `server.tokenizers`).
struct TokenizerStartup {
  std::string name;
  std::string source;  // a tokenizer file or directory on this host, or a Hub repository id
};

struct BasicAuthConfig {
  bool enabled = false;
  std::string realm = "smg admin";
  bool allow_insecure_http = false;
  std::vector<std::string> trusted_proxy_cidrs;
  std::vector<basic::BasicUser> users;
};

struct OidcConfig {
  bool enabled = false;
  std::string issuer_url;
  std::string client_id;      // from client_id_env
  std::string client_secret;  // from client_secret_env (may be empty: public client)
  std::string redirect_url;
  std::vector<std::string> scopes{"openid", "email", "profile"};
  std::vector<std::string> allowed_domains;
  std::string groups_claim = "groups";
  std::string email_claim = "email";
  std::string subject_claim = "email";
  std::string domain;
};

struct SessionConfig {
  std::string cookie_name = "smg_admin_session";
  int64_t ttl_secs = 8 * 3600;
  int64_t idle_timeout_secs = 3600;
  bool secure_cookies = true;
  std::string same_site = "strict";  // strict | lax | none
  std::string store = "sqlite";      // sqlite (data_dir/admin_sessions.db, survives restarts) | memory
  int64_t login_timeout_secs = 600;  // pending OIDC logins (pre-login cookie); at most 10m
};

struct AuthorizationConfig {
  bool enabled = false;
  std::string policy_file;
  std::vector<std::string> policy;  // Casbin CSV lines
};

struct AdminAuthConfig {
  BasicAuthConfig basic;
  OidcConfig oidc;
  SessionConfig sessions;
  AuthorizationConfig authorization;
};

// server.state: where the state replicas share lives (docs/shared-state.md). "local": each replica
// keeps its own (memory / SQLite under data_dir). "redis": OIDC sessions and pending logins,
// API-added workers and the cluster-wide audit stream live in Redis, at the URL in the environment
// variable `redis_url_env` names (redis://[[user]:password@]host[:port][/db]).
struct StateConfig {
  std::string backend = "local";  // local | redis
  std::string redis_url_env{};    // e.g. SMG_REDIS_URL; required with redis
  std::string redis_url{};        // its value, read when the config is loaded (holds a password)
  int64_t timeout_ms = 500;       // connect and per-command timeout of every Redis call
  std::string key_prefix = "smg:";  // every key and channel; separate clusters on one Redis
  std::size_t audit_stream_max_len = 100000;  // XADD MAXLEN ~: events the cluster stream keeps
};

struct ServeConfig {
  std::string host = "127.0.0.1";  // SMG listens on 0.0.0.0; we default to loopback
  int port = 30000;                // 0: any free port (tests)
  std::vector<std::string> worker_urls;
  std::string policy = "round_robin";

  std::string api_key;                          // --api-key / SMG_API_KEY
  std::vector<std::string> tenant_api_keys;     // TENANT:KEY
  std::vector<std::string> control_plane_api_keys;  // id:name:role:key (else the env var)
  std::string jwt_issuer;
  std::string jwt_audience;
  std::string jwt_jwks_uri;
  std::string jwt_role_claim = "roles";
  std::vector<std::string> jwt_role_mapping;  // IDP=ROLE
  int jwt_leeway_secs = 30;

  bool disable_audit_logging = false;
  std::string audit_log_file;
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string data_dir = "./smg-data";

  std::size_t max_concurrent_requests = 0;  // 0: off
  std::size_t queue_size = 100;
  int queue_timeout_secs = 60;
  // --rate-limit-tokens-per-second / server.admission.rate_limit_tokens_per_second: refill of the
  // max_concurrent_requests token bucket (SMG); 0: none, the bucket is a concurrency cap only.
  double rate_limit_tokens_per_second = 0;
  // --tenant-rate-limit-enabled / --tenant-rate-limit-config FILE (server.tenant_rate_limit:
  // {enabled, config}): per-tenant requests and tokens per minute on the data plane (SMG's YAML).
  bool tenant_rate_limit_enabled = false;
  std::string tenant_rate_limit_config;
  int request_timeout_secs = 1800;
  std::size_t max_payload_size = 512u << 20;

  proxy::RetryOptions retry;
  workers::CircuitBreakerOptions circuit_breaker;
  workers::HealthCheckOptions health;

  std::string prometheus_host = "127.0.0.1";
  int prometheus_port = 0;  // 0: no separate metrics listener
  std::string log_level = "info";
  bool log_json = false;
  bool allow_unauthenticated = false;
  // Workers at link-local or cloud metadata addresses (169.254.169.254 & co.) are refused unless
  // this is set (--allow-link-local-workers).
  bool allow_link_local_workers = false;
  std::size_t max_threads = 2048;  // blocking-pool threads (handlers, auth, SQLite) at most
  std::size_t io_threads = 0;      // I/O threads for connections and upstream calls; 0: cores
  std::size_t max_connections = 10000;  // open client connections; past it closed at once
  int request_head_timeout_secs = 10;   // the whole request head must arrive in this time
  int request_body_timeout_secs = 20;   // a body's base allowance, from the head's end
  int request_body_min_rate = 500;      // bytes/s that extend it by a second each; 0: off

  // --service-discovery and companions / server.discovery; off by default.
  discovery::DiscoveryConfig discovery;
  // --tokenizer NAME=SOURCE / server.tokenizers: loaded, in order, before the gateway serves.
  std::vector<TokenizerStartup> tokenizers;
  // --enable-wasm / server.wasm: off by default (every /wasm route answers 400 wasm_disabled).
  wasm::WasmConfig wasm;

  std::vector<CallerConfig> callers;
  AdminAuthConfig admin_auth;
  StateConfig state;
  bool admin_reports_enabled = false;
  // server.request_log: every data-plane request as a row in <data_dir>/request_log.db. On by
  // default (the "every data-plane request is recorded"); `enabled: false` turns it off.
  bool request_log_enabled = true;
  std::size_t request_log_queue_size = 10000;  // records waiting for the writer; beyond: dropped
  // server.request_log.backend: "sqlite" (the file above, one gateway) or "postgres" (one log
  // shared by every replica; reports then cover them all). PostgreSQL's connection string is
  // read from the environment variable named by server.request_log.dsn_env, never from the
  // file, and never logged.
  std::string request_log_backend = "sqlite";
  std::string request_log_dsn_env;
  // server.content_capture: request/response bodies beside the record. Off by default.
  bool content_capture_enabled = false;
  std::string content_capture_retention = "30d";
  std::vector<std::string> content_capture_domains;  // caller domains captured; empty: all
  std::size_t content_capture_max_bytes = 64 * 1024;  // per body; longer ones are cut, flagged
  int64_t content_capture_purge_interval_secs = 600;  // retention purge timer
};

}  // namespace smg::server
