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

YamlReader::YamlReader(YAML::Node root) : root_(std::move(root)) {
  if (root_.IsDefined() && !root_.IsNull() && !root_.IsMap()) {
    error("", "the document must be a mapping");
  }
}

std::string YamlReader::join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void YamlReader::error(const std::string& path, const std::string& message) {
  errors_.push_back((path.empty() ? std::string("config") : path) + ": " + message);
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
    error(out.path, "must be a mapping");
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
    error(path, "must be a list");
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
    error(join(parent.path, key), "must be a string");
    return fallback;
  }
  return value.Scalar();
}

std::string YamlReader::require_string(const Node& parent, const std::string& key) {
  std::string value = get_string(parent, key);
  if (value.empty()) error(join(parent.path, key), "required");
  return value;
}

int64_t YamlReader::get_int(const Node& parent, const std::string& key, int64_t fallback,
                            int64_t min, int64_t max) {
  std::string text = get_string(parent, key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || value < min || value > max) {
    error(join(parent.path, key),
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
    error(join(parent.path, key), "must be a number");
    return fallback;
  }
  return value;
}

bool YamlReader::get_bool(const Node& parent, const std::string& key, bool fallback) {
  std::string text = get_string(parent, key);
  if (text.empty()) return fallback;
  if (text == "true") return true;
  if (text == "false") return false;
  error(join(parent.path, key), "must be true or false");
  return fallback;
}

std::vector<std::string> YamlReader::get_strings(const Node& parent, const std::string& key) {
  std::vector<std::string> out;
  for (const Node& item : items(parent, key)) {
    if (!item.node.IsScalar()) {
      error(item.path, "must be a string");
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
      error(join(map.path, name), "must be a string");
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
    if (required) error(join(parent.path, key), "required");
    return std::nullopt;
  }
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    error(join(parent.path, key), "environment variable " + variable + " is not set");
    return std::nullopt;
  }
  return std::string(value);
}

void YamlReader::check_keys(const Node& node, const std::vector<std::string>& known) {
  if (!node.present() || !node.node.IsMap()) return;
  for (const auto& entry : node.node) {
    std::string key = entry.first.as<std::string>();
    std::string path = join(node.path, key);
    if (std::find(kSecretKeys.begin(), kSecretKeys.end(), key) != kSecretKeys.end()) {
      error(path, "plaintext secrets are not allowed in config: name an environment variable "
                  "with the matching *_env key, or give a *_sha256 digest");
    } else if (std::find(known.begin(), known.end(), key) == known.end()) {
      // The line, a "did you mean" among this mapping's keys, and the keys that are valid here.
      std::string message = "unknown key";
      if (int line = entry.first.Mark().line; line >= 0) {
        message += " (line " + std::to_string(line + 1) + ")";
      }
      if (auto near = text::suggest(key, known)) {
        message += "; did you mean \"" + join(node.path, *near) + "\"?";
      }
      std::string valid;
      for (const auto& name : known) valid += (valid.empty() ? "" : ", ") + name;
      error(path, message + ". Valid keys here: " + valid);
    }
  }
}

}  // namespace smg::config
