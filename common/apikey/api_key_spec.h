// Control-plane API key specs: `id:name:role:key`, from flags or the
// CONTROL_PLANE_API_KEYS environment variable, turned into ApiKeyEntry values that hold only the
// key's SHA-256. The plaintext key is wiped as soon as it is hashed.
//
// A spec is split on its FIRST THREE colons: id, name and role cannot contain ':', the key may.
// No field may be empty; role is exactly `admin` or `user`; id and name may not contain ',' or
// control characters. Error messages name the spec by source and position, and by id once the
// spec has all four fields; they never contain the key.
//
// In CONTROL_PLANE_API_KEYS specs are separated by ',' so keys there cannot contain ','. Each
// entry is trimmed of surrounding whitespace (so keys there cannot begin or end with
// whitespace), and empty entries (`a,,b`, a trailing comma) are skipped.
//
// Thread-safety: plain functions of their arguments (api_keys_from_env reads the environment).
//
//   auto entry = smg::apikey::parse_api_key_spec("ci:CI bot:admin:s3cr:et",
//                                                "--control-plane-api-keys #1");
//   // entry->id == "ci", entry->role == Role::kAdmin, entry->key_sha256 == sha256("s3cr:et")
//   auto from_env = smg::apikey::api_keys_from_env();   // CONTROL_PLANE_API_KEYS, may be empty
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/principal/principal.h"
#include "common/status.h"

namespace smg::apikey {

constexpr const char* kApiKeysEnvVar = "CONTROL_PLANE_API_KEYS";
constexpr const char* kApiKeysFlag = "--control-plane-api-keys";

struct ApiKeyEntry {
  std::string id;    // public; subject becomes `api_key:<id>`
  std::string name;  // display name, safe to log
  Role role = Role::kUser;
  std::string key_sha256;  // 32 raw bytes
};

// Checks an id or name: non-empty, no ':', ',' or control characters. `field` ("id", "name")
// appears in the message. Errors are kInvalidArgument "bad_api_key_spec".
Status validate_key_label(std::string_view field, std::string_view value);

// Parses one spec. `source_label` says where it came from, e.g. "--control-plane-api-keys #2".
// The spec is taken by value and wiped before returning.
Result<ApiKeyEntry> parse_api_key_spec(std::string spec, std::string_view source_label);

// Repeated flag values; labels "<flag> #1", "<flag> #2", ... Every spec is wiped.
Result<std::vector<ApiKeyEntry>> parse_api_key_flags(std::vector<std::string> specs,
                                                     std::string_view flag = kApiKeysFlag);

// A comma-separated list as in CONTROL_PLANE_API_KEYS; labels "<source> #N" with N the position
// among the comma-separated entries (empty ones count). The list is wiped.
Result<std::vector<ApiKeyEntry>> parse_api_key_list(std::string list, std::string_view source);

// Reads and parses the variable; unset or empty gives no entries.
Result<std::vector<ApiKeyEntry>> api_keys_from_env(const char* variable = kApiKeysEnvVar);

}  // namespace smg::apikey
