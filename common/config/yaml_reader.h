// YamlReader: strict, path-aware reading of a YAML config (yaml-cpp) into plain structs.
//
// Every error names the path of the offending key ("server.admin_auth.oidc.client_id_env:
// required"), never a value that could be a secret. Strictness: a mapping may only hold the keys
// its reader asked about (check_keys), types must match, required keys must exist, `*_env` values
// name environment variables that must be set, and keys that would hold a plaintext secret
// (password, token, api_key, client_secret, secret, key) are refused outright.
// Errors are collected, not thrown: read everything, then report the first (or all).
// Given a KeySchema (key_schema.h), check_keys(node) takes the valid keys from it and an unknown
// key is also matched against the whole table. Given the file's name, each error reads as a
// compiler's does: "smg.yaml:4: server.workers.policy: must be one of ...".
//
//   YamlReader r(root, &schema, "smg.yaml");
//   auto server = r.child(r.root(), "server");
//   std::string host = r.get_string(server, "host", "127.0.0.1");
//   r.check_keys(server);   // or r.check_keys(server, {"host", "port"}) without a schema
//   if (!r.ok()) return r.first_error();
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config/key_schema.h"
#include "common/status.h"

namespace smg::config {

// A node with the dotted path it was reached by.
struct Node {
  YAML::Node node;
  std::string path;
  bool present() const { return node.IsDefined() && !node.IsNull(); }
};

class YamlReader {
 public:
  // Parses the file; syntax errors are reported with line and column.
  static Result<YAML::Node> load_file(const std::string& path);
  static Result<YAML::Node> load_string(const std::string& text);

  // REQUIRES: `schema`, when given, outlives the reader. `source` names the file in errors.
  explicit YamlReader(YAML::Node root, const KeySchema* schema = nullptr, std::string source = "");

  Node root() const { return {root_, ""}; }
  // A child mapping (absent is fine: an undefined Node). Wrong type → error.
  Node child(const Node& parent, const std::string& key);
  // Children of a sequence at `key` (absent → empty).
  std::vector<Node> items(const Node& parent, const std::string& key);

  std::string get_string(const Node& parent, const std::string& key, std::string fallback = "");
  std::string require_string(const Node& parent, const std::string& key);
  int64_t get_int(const Node& parent, const std::string& key, int64_t fallback, int64_t min,
                  int64_t max);
  double get_double(const Node& parent, const std::string& key, double fallback);
  bool get_bool(const Node& parent, const std::string& key, bool fallback);
  std::vector<std::string> get_strings(const Node& parent, const std::string& key);
  // A string→string mapping (e.g. role_mapping).
  std::vector<std::pair<std::string, std::string>> get_string_map(const Node& parent,
                                                                  const std::string& key);
  // Reads `<key>` (e.g. "client_id_env"), then the variable it names. A missing variable is an
  // error naming the key and the variable. Returns nullopt when the key is absent.
  std::optional<std::string> get_env_value(const Node& parent, const std::string& key,
                                           bool required);

  // Errors for every key of `node` not in `known`, and for plaintext-secret keys.
  void check_keys(const Node& node, const std::vector<std::string>& known);
  // The same with the keys the schema lists under `node`. REQUIRES: a schema.
  void check_keys(const Node& node);

  // `line` is 0-based as yaml-cpp counts (a Mark's line); -1 when unknown.
  void error(const std::string& path, const std::string& message, int line = -1);
  // An error about the value of `key` in `parent`, at that value's line.
  void error(const Node& parent, const std::string& key, const std::string& message);
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  Status first_error() const;

  static std::string join(const std::string& path, const std::string& key);

 private:
  std::string did_you_mean(const Node& node, const std::string& key,
                           const std::vector<std::string>& known) const;

  YAML::Node root_;
  const KeySchema* schema_ = nullptr;
  std::string source_;
  std::vector<std::string> errors_;
};

}  // namespace smg::config
