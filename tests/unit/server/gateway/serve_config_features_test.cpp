// server.tokenizers, server.wasm and server.allow_link_local_workers in the serve YAML, and the
// start-up refusals they lead to.
#include <catch2/catch.hpp>

#include "common/config/yaml_reader.h"
#include "server/gateway/gateway_runtime.h"
#include "server/gateway/serve_config_yaml.h"
#include "tests/support/serve_config_text.h"

using smg::server::ServeConfig;
using smg::test::load_serve_config_text;

TEST_CASE("serve config: server.tokenizers, server.wasm and allow_link_local_workers",
          "[gateway][config]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text(R"(server:
  allow_link_local_workers: true
  tokenizers:
    - {name: llama3, source: /models/llama3/tokenizer.json}
    - {name: qwen, source: Qwen/Qwen3-0.6B}
  wasm:
    enabled: true
    max_memory_pages: 16
)",
                                 config)
              .ok());
  CHECK(config.allow_link_local_workers);
  REQUIRE(config.tokenizers.size() == 2);
  CHECK(config.tokenizers[0].name == "llama3");
  CHECK(config.tokenizers[0].source == "/models/llama3/tokenizer.json");
  CHECK(config.tokenizers[1].source == "Qwen/Qwen3-0.6B");
  CHECK(config.wasm.enabled);
}

TEST_CASE("serve config: a tokenizer entry without a source, or with an unknown key, is an error",
          "[gateway][config]") {
  ServeConfig missing;
  smg::Status no_source =
      load_serve_config_text("server:\n  tokenizers:\n    - {name: a}\n", missing);
  CHECK_FALSE(no_source.ok());
  CHECK(no_source.message().find("server.tokenizers[0].source") != std::string::npos);
  ServeConfig extra;
  CHECK_FALSE(load_serve_config_text(
                  "server:\n  tokenizers:\n    - {name: a, source: b, revision: c}\n", extra)
                  .ok());
}

TEST_CASE("serve config: WASM modules at start-up need WASM enabled", "[gateway][config]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text(R"(server:
  wasm:
    modules:
      - {name: m, file_path: /srv/wasm/m.wasm, attach_points: [on-request]}
)",
                                 config)
              .ok());
  auto runtime = smg::server::GatewayRuntime::build(config);
  REQUIRE_FALSE(runtime.ok());
  CHECK(runtime.status().message() ==
        "server.wasm.modules: needs --enable-wasm or server.wasm.enabled: true");
}

TEST_CASE("serve config: an unknown key names its line, a near key and the valid ones",
          "[gateway][config]") {
  ServeConfig config;
  smg::Status status =
      load_serve_config_text("server:\n  port: 8080\n  workerz:\n    policy: random\n", config);
  REQUIRE_FALSE(status.ok());
  INFO(status.message());
  CHECK(status.message().find("server.workerz (line 3): unknown key; did you mean "
                              "\"server.workers\"?") != std::string::npos);
  CHECK(status.message().find("Valid keys here: host, ") != std::string::npos);
  CHECK(status.message().find("workers") != std::string::npos);
  ServeConfig other;
  smg::Status far = load_serve_config_text("server:\n  frobnicate: 1\n", other);
  REQUIRE_FALSE(far.ok());
  CHECK(far.message().find("did you mean") == std::string::npos);  // nothing near: no guess
}
