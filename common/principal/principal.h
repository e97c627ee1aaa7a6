// Principal: who a request is from, once authenticated. Plain values, no dependencies.
//
//   smg::Principal p{.subject = "api_key:admin1", .display_name = "PlatformAdmin",
//                    .auth_method = smg::AuthMethod::kApiKey, .role = smg::Role::kAdmin};
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smg {

enum class Role { kUser, kAdmin };
enum class AuthMethod { kNone, kApiKey, kJwt, kCallerToken, kBasic, kOidc };

const char* role_name(Role role);                 // "admin" | "user"
std::optional<Role> parse_role(std::string_view text);  // exact "admin" / "user"
const char* auth_method_name(AuthMethod method);  // "api_key", "jwt", "caller_token", ...

struct Principal {
  std::string subject;       // e.g. api_key:admin1, jwt:alice@example.com, caller:app1
  std::string display_name;  // safe to log
  AuthMethod auth_method = AuthMethod::kNone;
  Role role = Role::kUser;
  std::string domain;        // e.g. example/prod; may be empty
  std::vector<std::string> groups;
};

}  // namespace smg
