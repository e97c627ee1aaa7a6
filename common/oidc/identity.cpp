#include "common/oidc/identity.h"

#include <algorithm>
#include <cctype>

namespace smg::oidc {
namespace {

Status subject_invalid(const std::string& why) {
  return unauthenticated("oidc_subject_invalid", "OIDC identity not accepted: " + why);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool printable(std::string_view text) {
  return !text.empty() && text.size() <= 320 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return c > 0x20 && c != 0x7f; });
}

std::string string_claim(const nlohmann::json& claims, const std::string& name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> groups_from(const nlohmann::json& claims, const std::string& name) {
  std::vector<std::string> groups;
  auto it = claims.find(name);
  if (it == claims.end()) return groups;
  if (it->is_string()) groups.push_back(it->get<std::string>());
  if (!it->is_array()) return groups;
  for (const auto& item : *it) {
    if (item.is_string() && printable(item.get<std::string>())) {
      groups.push_back(item.get<std::string>());
    }
  }
  return groups;
}

}  // namespace

bool email_domain_allowed(std::string_view email, const std::vector<std::string>& allowed) {
  auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string domain = lower(email.substr(at + 1));
  if (domain.empty()) return false;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& item) { return lower(item) == domain; });
}

Result<OidcIdentity> identity_from_claims(const nlohmann::json& claims, const IdentityRules& rules) {
  OidcIdentity identity;
  identity.email = string_claim(claims, rules.email_claim);
  std::string value = string_claim(claims, rules.subject_claim);
  if (!printable(value)) return subject_invalid("missing subject claim");
  bool subject_is_email = rules.subject_claim == rules.email_claim;
  bool email_needed = subject_is_email || !rules.allowed_domains.empty();
  if (email_needed) {
    auto verified = claims.find("email_verified");
    if (verified == claims.end() || !verified->is_boolean() || !verified->get<bool>()) {
      return subject_invalid("email not verified");
    }
    if (!printable(identity.email) || identity.email.find('@') == std::string::npos) {
      return subject_invalid("missing email");
    }
  }
  if (!rules.allowed_domains.empty() && !email_domain_allowed(identity.email, rules.allowed_domains)) {
    return subject_invalid("email domain not allowed");
  }
  identity.subject = subject_is_email ? "user:" + lower(value) : "oidc:" + value;
  if (subject_is_email) identity.email = lower(identity.email);
  identity.groups = groups_from(claims, rules.groups_claim);
  return identity;
}

}  // namespace smg::oidc
