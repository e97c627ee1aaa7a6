// Who an ID token says the admin is: subject, email, groups; and whether they may
// be an admin here at all (allowed_domains, email_verified).
//
// Subject: `user:<lowercased email>` when the subject claim is the email claim, else
// `oidc:<value>`. allowed_domains compare the part after the email's single '@' exactly and
// case-insensitively: no suffix matching, so `example.com.evil.test` and `evil-example.com` never
// pass for `example.com`. An email used for the subject or the domain check must be verified:
// `email_verified` false or absent refuses the login.
// Thread-safety: pure functions.
//
//   auto who = identity_from_claims(claims, {.allowed_domains = {"example.com"}});
//   if (!who.ok()) ...   // reason "oidc_subject_invalid"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::oidc {

struct IdentityRules {
  std::string subject_claim = "email";
  std::string email_claim = "email";
  std::string groups_claim = "groups";
  std::vector<std::string> allowed_domains{};  // empty: any domain
};

struct OidcIdentity {
  std::string subject{};
  std::string email{};  // may be empty when the token has none and none is needed
  std::vector<std::string> groups{};
};

Result<OidcIdentity> identity_from_claims(const nlohmann::json& claims, const IdentityRules& rules);
// The email's domain is one of `allowed` (exact, ASCII case-insensitive). Malformed emails fail.
bool email_domain_allowed(std::string_view email, const std::vector<std::string>& allowed);

}  // namespace smg::oidc
