// Loads a serve config from YAML text, as `smgctl serve --config` would from a file: for the unit
// tests of the config reader (the text must parse as YAML; the config's own errors are returned).
//
//   ServeConfig config;
//   smg::Status loaded = smg::test::load_serve_config_text("server:\n  port: 1\n", config);
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "common/config/yaml_reader.h"
#include "server/gateway/serve_config_yaml.h"

namespace smg::test {

inline Status load_serve_config_text(const std::string& text, server::ServeConfig& config) {
  auto root = config::YamlReader::load_string(text);
  REQUIRE(root.ok());
  return server::load_serve_config(*root, config);
}

}  // namespace smg::test
