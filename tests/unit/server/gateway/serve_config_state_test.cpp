// server.state in the serve YAML: the backend, the Redis URL read from the environment variable
// it names, and the errors (with the field path and line) for everything else.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "common/config/yaml_reader.h"
#include "server/gateway/serve_config_yaml.h"
#include "tests/support/serve_config_text.h"

using smg::server::ServeConfig;
using smg::test::load_serve_config_text;

TEST_CASE("serve config: server.state defaults to local", "[gateway][config][redis]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text("server:\n  port: 1\n", config).ok());
  CHECK(config.state.backend == "local");
  CHECK(config.state.redis_url.empty());
}

TEST_CASE("serve config: server.state redis reads the URL from the environment",
          "[gateway][config][redis]") {
  ::setenv("SMG_UNIT_REDIS_URL", "redis://:pw@10.0.0.7:6380/2", 1);
  ServeConfig config;
  smg::Status loaded = load_serve_config_text(R"(server:
  state:
    backend: redis
    redis_url_env: SMG_UNIT_REDIS_URL
    timeout_ms: 250
    key_prefix: "prod:"
    audit_stream_max_len: 5000
)",
                                              config);
  REQUIRE(loaded.ok());
  CHECK(config.state.backend == "redis");
  CHECK(config.state.redis_url == "redis://:pw@10.0.0.7:6380/2");
  CHECK(config.state.timeout_ms == 250);
  CHECK(config.state.key_prefix == "prod:");
  CHECK(config.state.audit_stream_max_len == 5000);
  ::unsetenv("SMG_UNIT_REDIS_URL");
}

TEST_CASE("serve config: server.state errors name the field and never the password",
          "[gateway][config][redis][attack]") {
  ::setenv("SMG_UNIT_BAD_URL", "rediss://:hunter2@h:1", 1);
  ::unsetenv("SMG_UNIT_UNSET_URL");
  struct Case {
    const char* yaml;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {"server:\n  state:\n    backend: etcd\n", "server.state.backend: must be local or redis"},
           {"server:\n  state:\n    backend: redis\n",
            "server.state.redis_url_env (line 3): required"},
           {"server:\n  state:\n    backend: redis\n    redis_url_env: SMG_UNIT_UNSET_URL\n",
            "environment variable SMG_UNIT_UNSET_URL is not set"},
           {"server:\n  state:\n    backend: redis\n    redis_url_env: SMG_UNIT_BAD_URL\n",
            "server.state.redis_url_env: Redis URL: rediss:// (TLS) is not supported"},
           {"server:\n  state:\n    redis_url_env: SMG_UNIT_BAD_URL\n",
            "server.state.redis_url_env: needs backend: redis"},
           {"server:\n  state:\n    backend: redis\n    redis_url: redis://h\n", "unknown key"},
           {"server:\n  state:\n    backend: redis\n    password: x\n", "plaintext secrets"},
           {"server:\n  state:\n    timeout_ms: 0\n", "server.state.timeout_ms"}}) {
    ServeConfig config;
    smg::Status loaded = load_serve_config_text(c.yaml, config);
    INFO(c.yaml);
    INFO(loaded.message());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.message().find(c.expected) != std::string::npos);
    CHECK(loaded.message().find("hunter2") == std::string::npos);
  }
  ::unsetenv("SMG_UNIT_BAD_URL");
}
