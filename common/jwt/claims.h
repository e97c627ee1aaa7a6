// Verified JWT claims → smg::Principal.
//
// Subject: `sub`, else `email`, else `preferred_username` (the first non-empty string);
// principal subject "jwt:<value>", display_name "<value>".
// Role values: the configured claim (default "roles"; a URL-like name such as
// "https://smg.example.com/roles" is just a top-level key) when present, as a string or an
// array of strings; otherwise the union, in order, of `role`, `roles`, `groups`, `group`.
// Role: with a mapping, the first token value (in token order) that has an exact mapping entry
// decides; without one, the role is admin when any value equals "admin" case-insensitively
// (admin wins over user), else user. No match at all → user. groups = the role values.
// Thread-safety: pure functions.
//
//   smg::jwt::IdentityOptions options{.role_claim = "https://smg.example.com/roles",
//                                     .role_mapping = {{"platform-admins", smg::Role::kAdmin}}};
//   auto principal = smg::jwt::principal_from_claims(verified->claims, options);
//   if (principal.ok() && principal->role == smg::Role::kAdmin) { ... }
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/principal/principal.h"
#include "common/status.h"

namespace smg::jwt {

struct RoleMappingEntry {
  std::string idp_value{};  // compared exactly
  Role role = Role::kUser;
};

struct IdentityOptions {
  std::string role_claim = "roles";
  // Ordered; empty means values "admin"/"user" count by name.
  std::vector<RoleMappingEntry> role_mapping{};
};

// Parses "IDP=ROLE" (ROLE admin|user) as given to --role-mapping; the IdP value may hold '='.
Result<RoleMappingEntry> parse_role_mapping(const std::string& text);

// The subject value (without the "jwt:" prefix); empty when none of the claims has one.
std::string subject_of(const nlohmann::json& claims);
std::vector<std::string> role_values(const nlohmann::json& claims, const IdentityOptions& options);
Role decide_role(const std::vector<std::string>& values, const IdentityOptions& options);

// Fails with reason "jwt_missing_subject" when there is no subject.
Result<Principal> principal_from_claims(const nlohmann::json& claims,
                                        const IdentityOptions& options);

}  // namespace smg::jwt
