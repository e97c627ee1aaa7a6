// server.discovery in the serve YAML.
#include <catch2/catch.hpp>

#include "common/config/yaml_reader.h"
#include "server/gateway/serve_config_yaml.h"
#include "tests/support/serve_config_text.h"

using smg::server::ServeConfig;
using smg::test::load_serve_config_text;

TEST_CASE("discovery: server.discovery keys fill the discovery config", "[discovery][config]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text(R"(server:
  discovery:
    enabled: true
    selector: {app: sglang-worker, tier: gpu}
    port: 8000
    namespace: inference
    kubeconfig: /etc/smg/kubeconfig
)",
                                 config)
              .ok());
  CHECK(config.discovery.enabled);
  REQUIRE(config.discovery.selector.size() == 2);
  CHECK(config.discovery.selector[0].first == "app");
  CHECK(config.discovery.selector[0].second == "sglang-worker");
  CHECK(config.discovery.port == 8000);
  CHECK(config.discovery.namespace_name == "inference");
  CHECK(config.discovery.kubeconfig == "/etc/smg/kubeconfig");
}

TEST_CASE("discovery: defaults without server.discovery", "[discovery][config]") {
  ServeConfig config;
  REQUIRE(load_serve_config_text("server: {port: 30001}\n", config).ok());
  CHECK_FALSE(config.discovery.enabled);
  CHECK(config.discovery.port == 80);
  CHECK(config.discovery.selector.empty());
  CHECK(config.discovery.namespace_name.empty());
}

TEST_CASE("discovery: server.discovery refuses unknown keys and bad values",
          "[discovery][config]") {
  ServeConfig config;
  auto unknown =
      load_serve_config_text("server:\n  discovery: {enabled: true, selectors: {a: b}}\n", config);
  CHECK_FALSE(unknown.ok());
  CHECK(unknown.message().find("server.discovery.selectors") != std::string::npos);
  ServeConfig port;
  auto bad_port = load_serve_config_text("server:\n  discovery: {port: 0}\n", port);
  CHECK_FALSE(bad_port.ok());
  CHECK(bad_port.message().find("server.discovery.port") != std::string::npos);
  ServeConfig nested;
  CHECK_FALSE(
      load_serve_config_text("server:\n  discovery: {selector: {app: [x]}}\n", nested).ok());
}
