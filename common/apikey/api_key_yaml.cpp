#include "common/apikey/api_key_yaml.h"

#include <string>

#include "common/crypto/crypto.h"

namespace smg::apikey {
namespace {

Status yaml_error(const std::string& label, const std::string& what) {
  return invalid_argument("bad_api_key_spec", label + ": " + what);
}

// A scalar field of a map item; empty when absent or not a scalar.
std::string scalar_field(const YAML::Node& item, const char* field) {
  const YAML::Node value = item[field];
  return value && value.IsScalar() ? value.Scalar() : std::string();
}

Status check_map_fields(const YAML::Node& item, const std::string& label) {
  for (const auto& field : item) {
    const std::string name = field.first.IsScalar() ? field.first.Scalar() : std::string();
    if (name == "key") {
      return yaml_error(label,
                        "plaintext key is not allowed in YAML; use key_sha256, or the "
                        "CONTROL_PLANE_API_KEYS environment variable");
    }
    if (name != "id" && name != "name" && name != "role" && name != "key_sha256") {
      return yaml_error(label,
                        "unknown field \"" + name + "\" (expected id, name, role, key_sha256)");
    }
  }
  return Status::ok_status();
}

Result<ApiKeyEntry> parse_map_item(const YAML::Node& item, const std::string& label) {
  if (Status s = check_map_fields(item, label); !s.ok()) {
    return s;
  }
  ApiKeyEntry entry;
  entry.id = scalar_field(item, "id");
  if (Status s = validate_key_label("id", entry.id); !s.ok()) {
    return yaml_error(label, s.message());
  }
  const std::string id_label = label + " (id \"" + entry.id + "\")";
  entry.name = item["name"] ? scalar_field(item, "name") : entry.id;
  if (Status s = validate_key_label("name", entry.name); !s.ok()) {
    return yaml_error(id_label, s.message());
  }
  std::optional<Role> role = parse_role(scalar_field(item, "role"));
  if (!role) {
    return yaml_error(id_label, "role must be admin or user");
  }
  entry.role = *role;
  const std::string hex = scalar_field(item, "key_sha256");
  Result<std::string> digest = crypto::from_hex(hex);
  if (hex.size() != 64 || !digest.ok()) {
    return yaml_error(id_label, "key_sha256 must be 64 hex characters");
  }
  entry.key_sha256 = std::move(*digest);
  return entry;
}

Result<ApiKeyEntry> parse_item(const YAML::Node& item, const std::string& label) {
  if (item.IsScalar()) {
    return parse_api_key_spec(item.Scalar(), label);
  }
  if (item.IsMap()) {
    return parse_map_item(item, label);
  }
  return yaml_error(label, "expected an id:name:role:key string or a map with key_sha256");
}

}  // namespace

Result<std::vector<ApiKeyEntry>> parse_api_keys_yaml(const YAML::Node& node,
                                                     std::string_view path) {
  std::vector<ApiKeyEntry> entries;
  if (!node || node.IsNull()) {
    return entries;
  }
  if (!node.IsSequence()) {
    return yaml_error(std::string(path), "expected a list of API keys");
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    Result<ApiKeyEntry> entry =
        parse_item(node[i], std::string(path) + "[" + std::to_string(i) + "]");
    if (!entry.ok()) {
      return entry.status();
    }
    entries.push_back(std::move(*entry));
  }
  return entries;
}

}  // namespace smg::apikey
