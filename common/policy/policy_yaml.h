// The policy keys of a YAML config, read on their own: `server.admin_auth.authorization.policy`
// (a list of CSV lines) and `.policy_file` (a CSV file). Every other key is ignored here; the full
// config loader validates them.
//
// A relative policy_file is resolved against the directory of the config file. The file's lines
// come first, then the inline ones; errors name the file and line (`policy.csv:3: ...`) or the
// YAML key and item (`server.admin_auth.authorization.policy:2: ...`).
// Thread-safety: pure functions (they read files).
//
//   Result<ParsedPolicy> policy = load_policy_from_config("/etc/smg/config.yaml");
//   if (!policy.ok()) { return policy.status(); }
//   Enforcer enforcer = Enforcer::build(std::move(*policy));
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "common/policy/policy_csv.h"
#include "common/status.h"

namespace smg::policy {

inline constexpr const char* kPolicyKeyPath = "server.admin_auth.authorization.policy";

struct PolicySource {
  std::vector<std::string> policy;  // inline lines
  std::string policy_file;          // "" when absent
};

// Reads the two keys from a parsed document; absent keys give an empty source.
Result<PolicySource> read_policy_source(const YAML::Node& root);

// Parses a CSV policy file.
Result<ParsedPolicy> load_policy_file(const std::string& path);

// Parses a YAML config file and loads the policy it names (file lines, then inline lines).
Result<ParsedPolicy> load_policy_from_config(const std::string& config_path);

}  // namespace smg::policy
