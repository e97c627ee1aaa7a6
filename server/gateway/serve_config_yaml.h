// Loads `smgctl serve --config FILE` into a ServeConfig, strictly: an unknown
// key, a wrong type, a missing required field, an unset `*_env` variable or a plaintext secret
// stops start-up with one line naming the path (`server.admin_auth.oidc.client_id_env:
// required`). Values are read on top of `config`, so flags parsed afterwards override them.
//
//   ServeConfig config;
//   Status loaded = load_serve_config_file("smg.yaml", config);
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "common/status.h"
#include "server/gateway/serve_config.h"

namespace smg::server {

Status load_serve_config_file(const std::string& path, ServeConfig& config);
Status load_serve_config(const YAML::Node& root, ServeConfig& config);

}  // namespace smg::server
