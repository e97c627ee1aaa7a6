#include "common/policy/policy_yaml.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace smg::policy {
namespace {

Status config_error(const std::string& what) {
  return invalid_argument("policy_config_invalid", what);
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return not_found("policy_file_unreadable", "cannot read " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The authorization map, or an undefined node when the path is absent.
Result<YAML::Node> authorization_node(const YAML::Node& root) {
  // reset(), not operator=: assigning a yaml-cpp Node writes into the tree it refers to; and a
  // missing key gives an invalid node that reset() refuses, so it is checked first.
  if (!root || root.IsNull()) {
    return YAML::Node(YAML::NodeType::Undefined);
  }
  YAML::Node node;
  node.reset(root);
  for (const char* key : {"server", "admin_auth", "authorization"}) {
    if (!node.IsMap()) {
      return config_error(std::string("expected a map holding ") + key);
    }
    const YAML::Node& parent = node;
    const YAML::Node child = parent[key];
    if (!child || child.IsNull()) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    node.reset(child);
  }
  return node;
}

Result<std::vector<std::string>> read_inline_lines(const YAML::Node& policy) {
  std::vector<std::string> lines;
  if (!policy || policy.IsNull()) {
    return lines;
  }
  if (!policy.IsSequence()) {
    return config_error(std::string(kPolicyKeyPath) + ": expected a list of policy lines");
  }
  for (std::size_t i = 0; i < policy.size(); ++i) {
    if (!policy[i].IsScalar()) {
      return config_error(std::string(kPolicyKeyPath) + ":" + std::to_string(i + 1) +
                          ": expected a string such as \"p, role, domain, object, action\"");
    }
    lines.push_back(policy[i].Scalar());
  }
  return lines;
}

}  // namespace

Result<PolicySource> read_policy_source(const YAML::Node& root) {
  Result<YAML::Node> authorization = authorization_node(root);
  if (!authorization.ok()) {
    return authorization.status();
  }
  PolicySource source;
  const YAML::Node& node = *authorization;
  if (!node || node.IsNull()) {
    return source;
  }
  if (!node.IsMap()) {
    return config_error("server.admin_auth.authorization: expected a map");
  }
  Result<std::vector<std::string>> lines = read_inline_lines(node["policy"]);
  if (!lines.ok()) {
    return lines.status();
  }
  source.policy = std::move(*lines);
  const YAML::Node file = node["policy_file"];
  if (file && !file.IsNull()) {
    if (!file.IsScalar()) {
      return config_error("server.admin_auth.authorization.policy_file: expected a path");
    }
    source.policy_file = file.Scalar();
  }
  return source;
}

Result<ParsedPolicy> load_policy_file(const std::string& path) {
  Result<std::string> text = read_text(path);
  if (!text.ok()) {
    return text.status();
  }
  ParsedPolicy policy;
  if (Status s = policy.add_text(*text, path); !s.ok()) {
    return s;
  }
  return policy;
}

Result<ParsedPolicy> load_policy_from_config(const std::string& config_path) {
  Result<std::string> text = read_text(config_path);
  if (!text.ok()) {
    return text.status();
  }
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return config_error(config_path + ": invalid YAML at line " + std::to_string(e.mark.line + 1));
  }
  Result<PolicySource> source = read_policy_source(root);
  if (!source.ok()) {
    return Status(source.status().code(), source.status().reason(),
                  config_path + ": " + source.status().message());
  }
  ParsedPolicy policy;
  if (!source->policy_file.empty()) {
    std::filesystem::path file(source->policy_file);
    if (file.is_relative()) {
      file = std::filesystem::path(config_path).parent_path() / file;
    }
    Result<ParsedPolicy> from_file = load_policy_file(file.string());
    if (!from_file.ok()) {
      return from_file.status();
    }
    policy = std::move(*from_file);
  }
  if (Status s = policy.add_lines(source->policy, kPolicyKeyPath); !s.ok()) {
    return s;
  }
  return policy;
}

}  // namespace smg::policy
