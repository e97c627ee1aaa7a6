// server.request_log.backend and dsn_env in the serve YAML, and what start-up says when the
// PostgreSQL DSN is missing or unusable (never the DSN's password).
#include <catch2/catch.hpp>
#include <cstdlib>

#include "common/config/yaml_reader.h"
#include "server/gateway/gateway_runtime.h"
#include "server/gateway/serve_config_yaml.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/peers.h"
#include "tests/support/serve_config_text.h"

using smg::server::ServeConfig;
using smg::test::load_serve_config_text;

TEST_CASE("serve config: request_log backend postgres with dsn_env", "[gateway][config][requestlog]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text(
              "server:\n  request_log: { backend: postgres, dsn_env: SMG_LOG_DSN }\n", config)
              .ok());
  CHECK(config.request_log_backend == "postgres");
  CHECK(config.request_log_dsn_env == "SMG_LOG_DSN");
  ServeConfig defaults;
  REQUIRE(load_serve_config_text("server:\n  request_log: { enabled: true }\n", defaults).ok());
  CHECK(defaults.request_log_backend == "sqlite");
}

TEST_CASE("serve config: a bad request_log backend or a missing dsn_env is an error",
          "[gateway][config][requestlog]") {
  ServeConfig unknown;
  smg::Status bad = load_serve_config_text("server:\n  request_log: { backend: mysql }\n", unknown);
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("server.request_log.backend") != std::string::npos);
  ServeConfig no_env;
  smg::Status missing =
      load_serve_config_text("server:\n  request_log: { backend: postgres }\n", no_env);
  CHECK_FALSE(missing.ok());
  CHECK(missing.message().find("server.request_log.dsn_env") != std::string::npos);
  ServeConfig odd_name;
  CHECK_FALSE(load_serve_config_text(
                  "server:\n  request_log: { backend: postgres, dsn_env: 'A B' }\n", odd_name)
                  .ok());
}

TEST_CASE("serve config: start-up refuses an unset or unreachable DSN without printing it",
          "[gateway][config][requestlog][attack]") {
  smg::test::TempDir dir;
  ServeConfig config;
  config.data_dir = dir.file("data");
  config.request_log_backend = "postgres";
  config.request_log_dsn_env = "SMG_TEST_REQUEST_LOG_DSN_UNIT";
  ::unsetenv("SMG_TEST_REQUEST_LOG_DSN_UNIT");
  auto unset = smg::server::GatewayRuntime::build(config);
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.status().message().find("SMG_TEST_REQUEST_LOG_DSN_UNIT is not set") !=
        std::string::npos);

  int port = 0;
  int fd = smg::test::bind_loopback(port, 0);  // bound, not listening: connections are refused
  REQUIRE(fd >= 0);
  std::string dsn = "host=127.0.0.1 port=" + std::to_string(port) +
                    " user=smg password=hunter2-very-secret dbname=smg connect_timeout=2";
  ::setenv("SMG_TEST_REQUEST_LOG_DSN_UNIT", dsn.c_str(), 1);
  auto refused = smg::server::GatewayRuntime::build(config);
  ::unsetenv("SMG_TEST_REQUEST_LOG_DSN_UNIT");
  ::close(fd);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("server.request_log") != std::string::npos);
  CHECK(refused.status().message().find("hunter2") == std::string::npos);
}
