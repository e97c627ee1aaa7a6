// ServeConfig: everything `smgctl serve` is told, as plain values (flags > environment > config
// file > the defaults below, which are SMG's unless DESIGN.md §2 says otherwise). Secrets stay in
// this struct only until GatewayRuntime::build has hashed them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "server/proxy/data_plane_proxy.h"
#include "server/workers/circuit_breaker.h"
#include "server/workers/health_checker.h"

namespace smg::server {

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
  std::size_t max_threads = 2048;  // HTTP serving threads (one per open connection)
};

}  // namespace smg::server
