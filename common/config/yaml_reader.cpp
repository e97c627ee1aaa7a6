#include "common/config/yaml_reader.h"

#include <algorithm>
#include <cstdlib>

#include "common/text/suggest.h"

namespace smg::config {
namespace {

// Keys whose value would be a secret in plaintext: config names the environment variable instead.
const std::vector<std::string> kSecretKeys = {"password", "token", "api_key", "client_secret",
                                              "secret", "key", "private_key"};

std::string describe(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

}  // namespace

Result<YAML::Node> YamlReader::load_file(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return invalid_argument("config_unreadable", path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    return invalid_argument("config_syntax", path + ": YAML syntax error at " + describe(e.mark));
  }
}

Result<YAML::Node> YamlReader::load_string(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return invalid_argument("config_syntax", "YAML syntax error at " + describe(e.mark));
  }
}

YamlReader::YamlReader(YAML::Node root, const KeySchema* schema, std::string source)
    : root_(std::move(root)), schema_(schema), source_(std::move(source)) {
  if (root_.IsDefined() && !root_.IsNull() && !root_.IsMap()) {
    error("", "the document must be a mapping", root_.Mark().line);
  }
}

std::string YamlReader::join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void YamlReader::error(const std::string& path, const std::string& message, int line) {
  std::string where = path.empty() ? std::string("config") : path;
  if (!source_.empty()) {
    // As a compiler says it, so editors and terminals can jump to the line.
    std::string at = source_ + (line >= 0 ? ":" + std::to_string(line + 1) : "");
    errors_.push_back(at + ": " + where + ": " + message);
  } else {
    std::string at = line >= 0 ? " (line " + std::to_string(line + 1) + ")" : "";
    errors_.push_back(where + at + ": " + message);
  }
}

void YamlReader::error(const Node& parent, const std::string& key, const std::string& message) {
  int line = -1;
  if (parent.present() && parent.node.IsMap()) {
    const YAML::Node& map = parent.node;
    YAML::Node value = map[key];
    line = value.IsDefined() ? value.Mark().line : map.Mark().line;
  }
  error(join(parent.path, key), message, line);
}

Status YamlReader::first_error() const {
  if (errors_.empty()) return Status::ok_status();
  return invalid_argument("config_invalid", errors_.front());
}

Node YamlReader::child(const Node& parent, const std::string& key) {
  Node out{YAML::Node(), join(parent.path, key)};
  if (!parent.present() || !parent.node.IsMap()) return out;
  YAML::Node value = parent.node[key];
  if (!value.IsDefined() || value.IsNull()) return out;
  if (!value.IsMap()) {
    error(out.path, "must be a mapping", value.Mark().line);
    return out;
  }
  out.node = value;
  return out;
}

std::vector<Node> YamlReader::items(const Node& parent, const std::string& key) {
  std::vector<Node> out;
  std::string path = join(parent.path, key);
  if (!parent.present() || !parent.node.IsMap()) return out;
  YAML::Node value = parent.node[key];
  if (!value.IsDefined() || value.IsNull()) return out;
  if (!value.IsSequence()) {
    error(path, "must be a list", value.Mark().line);
    return out;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    out.push_back({value[i], path + "[" + std::to_string(i) + "]"});
  }
  return out;
}

std::string YamlReader::get_string(const Node& parent, const std::string& key,
                                   std::string fallback) {
  if (!parent.present() || !parent.node.IsMap()) return fallback;
  YAML::Node value = parent.node[key];
  if (!value.IsDefined() || value.IsNull()) return fallback;
  if (!value.IsScalar()) {
    error(parent, key, "must be a string");
    return fallback;
  }
  return value.Scalar();
}

std::string YamlReader::require_string(const Node& parent, const std::string& key) {
  std::string value = get_string(parent, key);
  if (value.empty()) error(parent, key, "required");
  return value;
}

int64_t YamlReader::get_int(const Node& parent, const std::string& key, int64_t fallback,
                            int64_t min, int64_t max) {
  std::string text = get_string(parent, key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || value < min || value > max) {
    error(parent, key,
          "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return fallback;
  }
  return value;
}

double YamlReader::get_double(const Node& parent, const std::string& key, double fallback) {
  std::string text = get_string(parent, key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') {
    error(parent, key, "must be a number");
    return fallback;
  }
  return value;
}

bool YamlReader::get_bool(const Node& parent, const std::string& key, bool fallback) {
  std::string text = get_string(parent, key);
  if (text.empty()) return fallback;
  if (text == "true") return true;
  if (text == "false") return false;
  error(parent, key, "must be true or false");
  return fallback;
}

std::vector<std::string> YamlReader::get_strings(const Node& parent, const std::string& key) {
  std::vector<std::string> out;
  for (const Node& item : items(parent, key)) {
    if (!item.node.IsScalar()) {
      error(item.path, "must be a string", item.node.Mark().line);
      continue;
    }
    out.push_back(item.node.Scalar());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> YamlReader::get_string_map(
    const Node& parent, const std::string& key) {
  std::vector<std::pair<std::string, std::string>> out;
  Node map = child(parent, key);
  if (!map.present()) return out;
  for (const auto& entry : map.node) {
    std::string name = entry.first.as<std::string>();
    if (!entry.second.IsScalar()) {
      error(join(map.path, name), "must be a string", entry.second.Mark().line);
      continue;
    }
    out.emplace_back(name, entry.second.Scalar());
  }
  return out;
}

std::optional<std::string> YamlReader::get_env_value(const Node& parent, const std::string& key,
                                                     bool required) {
  std::string variable = get_string(parent, key);
  if (variable.empty()) {
    if (required) error(parent, key, "required");
    return std::nullopt;
  }
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    error(parent, key, "environment variable " + variable + " is not set");
    return std::nullopt;
  }
  return std::string(value);
}

std::string YamlReader::did_you_mean(const Node& node, const std::string& key,
                                     const std::vector<std::string>& known) const {
  if (auto near = text::suggest(key, known)) {
    return "; did you mean \"" + join(node.path, *near) + "\"?";
  }
  if (schema_ == nullptr) return "";
  // Not a typo of a sibling: maybe the right key at another level ("server.policy").
  std::vector<std::string> found = schema_->elsewhere(node.path, key);
  if (found.empty()) return "";
  std::string out = "; did you mean \"" + found[0] + "\"";
  if (found.size() > 1) out += " (or \"" + found[1] + "\")";
  return out + "?";
}

void YamlReader::check_keys(const Node& node) {
  // Without a schema every key is unknown: a reader built wrong fails loudly, never open.
  check_keys(node, schema_ == nullptr ? std::vector<std::string>() : schema_->children(node.path));
}

void YamlReader::check_keys(const Node& node, const std::vector<std::string>& known) {
  if (!node.present() || !node.node.IsMap()) return;
  for (const auto& entry : node.node) {
    std::string key = entry.first.as<std::string>();
    std::string path = join(node.path, key);
    int line = entry.first.Mark().line;
    if (std::find(kSecretKeys.begin(), kSecretKeys.end(), key) != kSecretKeys.end()) {
      error(path,
            "plaintext secrets are not allowed in config: name an environment variable "
            "with the matching *_env key, or give a *_sha256 digest",
            line);
    } else if (std::find(known.begin(), known.end(), key) == known.end()) {
      // A "did you mean" (a sibling, else the same key at another level), and the valid keys.
      std::string valid;
      for (const auto& name : known) valid += (valid.empty() ? "" : ", ") + name;
      std::string guess = did_you_mean(node, key, known);
      error(path, "unknown key" + guess + (guess.empty() ? ". " : " ") + "Valid keys here: " + valid,
            line);
    }
  }
}

}  // namespace smg::config
