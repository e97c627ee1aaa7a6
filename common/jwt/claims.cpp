#include "common/jwt/claims.h"

#include <algorithm>
#include <cctype>

#include "common/jwt/jwt_error.h"

namespace smg::jwt {
namespace {

using nlohmann::json;

void append_strings(const json& value, std::vector<std::string>& out) {
  auto add = [&out](const std::string& text) {
    if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) {
      out.push_back(text);
    }
  };
  if (value.is_string()) {
    add(value.get<std::string>());
    return;
  }
  if (!value.is_array()) {
    return;
  }
  for (const json& item : value) {
    if (item.is_string()) {
      add(item.get<std::string>());
    }
  }
}

bool iequals(const std::string& a, const char* b) {
  std::string lower = a;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == b;
}

}  // namespace

Result<RoleMappingEntry> parse_role_mapping(const std::string& text) {
  std::size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    return invalid_argument("bad_role_mapping", "role mapping must be IDP_VALUE=admin|user");
  }
  auto role = parse_role(std::string_view(text).substr(eq + 1));
  if (!role) {
    return invalid_argument("bad_role_mapping", "role mapping must be IDP_VALUE=admin|user");
  }
  return RoleMappingEntry{text.substr(0, eq), *role};
}

std::string subject_of(const json& claims) {
  for (const char* name : {"sub", "email", "preferred_username"}) {
    auto it = claims.find(name);
    if (it != claims.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return "";
}

std::vector<std::string> role_values(const json& claims, const IdentityOptions& options) {
  std::vector<std::string> values;
  auto configured = claims.find(options.role_claim);
  if (!options.role_claim.empty() && configured != claims.end()) {
    append_strings(*configured, values);
    return values;
  }
  for (const char* name : {"role", "roles", "groups", "group"}) {
    if (auto it = claims.find(name); it != claims.end()) {
      append_strings(*it, values);
    }
  }
  return values;
}

Role decide_role(const std::vector<std::string>& values, const IdentityOptions& options) {
  if (!options.role_mapping.empty()) {
    for (const std::string& value : values) {
      for (const RoleMappingEntry& entry : options.role_mapping) {
        if (entry.idp_value == value) {
          return entry.role;
        }
      }
    }
    return Role::kUser;
  }
  bool admin = std::any_of(values.begin(), values.end(),
                           [](const std::string& v) { return iequals(v, "admin"); });
  return admin ? Role::kAdmin : Role::kUser;
}

Result<Principal> principal_from_claims(const json& claims, const IdentityOptions& options) {
  std::string subject = subject_of(claims);
  if (subject.empty()) {
    return to_status(JwtError::kMissingSubject);
  }
  Principal principal;
  principal.subject = "jwt:" + subject;
  principal.display_name = subject;
  principal.auth_method = AuthMethod::kJwt;
  principal.groups = role_values(claims, options);
  principal.role = decide_role(principal.groups, options);
  return principal;
}

}  // namespace smg::jwt
