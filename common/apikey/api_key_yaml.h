// Control-plane API keys from YAML (a yaml-cpp Node), kept apart from api_key_spec.h so that only
// config loading pulls in yaml-cpp.
//
// The node is a sequence; each item is either a spec string `id:name:role:key` (see
// api_key_spec.h) or a map {id, name?, role, key_sha256} where key_sha256 is the key's SHA-256 in
// 64 hex characters and name defaults to id. A plaintext `key:` in a map is refused: use
// key_sha256, or put the spec in the CONTROL_PLANE_API_KEYS environment variable. Unknown map keys
// are refused too. Errors name the item as `<path>[<index>]` and never contain a key.
// Thread-safety: a plain function of its arguments.
//
//   YAML::Node node = YAML::Load("- {id: ci, role: admin, key_sha256: 9f86d0...}");
//   auto entries = smg::apikey::parse_api_keys_yaml(node, "server.control_plane.api_keys");
#pragma once

#include <yaml-cpp/yaml.h>

#include <string_view>
#include <vector>

#include "common/apikey/api_key_spec.h"
#include "common/status.h"

namespace smg::apikey {

// A null (absent) node gives no entries.
Result<std::vector<ApiKeyEntry>> parse_api_keys_yaml(const YAML::Node& node, std::string_view path);

}  // namespace smg::apikey
