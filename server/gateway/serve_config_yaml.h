// Loads `smgctl serve --config FILE` into a ServeConfig, strictly: an unknown
// key, a wrong type, a missing required field, an unset `*_env` variable or a plaintext secret
// stops start-up with one line naming the path (`server.admin_auth.oidc.client_id_env:
// required`), its file and line, and for an unknown key the key meant (serve_config_keys.h). Values
// are read on top of `config`, so flags parsed afterwards override them.
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
// `source` (a file name) starts each error: "smg.yaml:4: server.workers.policy: ...".
Status load_serve_config(const YAML::Node& root, ServeConfig& config,
                         const std::string& source = "");

}  // namespace smg::server
