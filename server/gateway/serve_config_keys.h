// The keys `smgctl serve --config FILE` accepts: one table (config::KeySchema) that the YAML
// reader (serve_config_yaml.cpp, wasm_config.cpp) checks every mapping against, that suggests
// keys from ("server.policy" → "server.workers.policy"), and that `smgctl config example`
// prints. A key the reader reads must be in the table, or the reader refuses it as unknown.
//
//   const config::KeySchema& keys = serve_config_keys();
//   std::string yaml = keys.example_yaml("# smg\n");
#pragma once

#include "common/config/key_schema.h"

namespace smg::server {

const config::KeySchema& serve_config_keys();

// The commented YAML document of every key (`smgctl config example`); loads without error.
std::string serve_config_example();

}  // namespace smg::server
