#include "common/principal/principal.h"

namespace smg {

const char* role_name(Role role) { return role == Role::kAdmin ? "admin" : "user"; }

std::optional<Role> parse_role(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "user") return Role::kUser;
  return std::nullopt;
}

const char* auth_method_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::kNone: return "none";
    case AuthMethod::kApiKey: return "api_key";
    case AuthMethod::kJwt: return "jwt";
    case AuthMethod::kCallerToken: return "caller_token";
    case AuthMethod::kBasic: return "basic";
    case AuthMethod::kOidc: return "oidc";
  }
  return "none";
}

}  // namespace smg
