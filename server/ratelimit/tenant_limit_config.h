// Tenant rate-limit configuration: SMG's `--tenant-rate-limit-config` YAML, read strictly into
// immutable structs once at start-up (docs/rate-limits.md):
//
//   default_policy: {tokens_per_minute: 100000, requests_per_minute: 600}
//   tenants:
//     - tenant_key: "auth:team-red"
//       tokens_per_minute: 200000
//       requests_per_minute: 300
//       model_rules:
//         - {rule_id: gpt4, matcher: {type: prefix, value: gpt-4},
//            tokens_per_minute: 50000, requests_per_minute: 60}
//
// As SMG validates it: every limit a whole number from 1 to 4294967295; unknown keys refused;
// the default policy has no tenant_key; tenant keys unique, unpadded and canonical (`auth:<id>`,
// `caller:<token_id>`, `ip:<addr>`, `header:<id>` — accepted for SMG files, never matched
// here — or `anonymous`); rule ids `[A-Za-z0-9._-]+`, unique per policy; matcher values non-empty
// and not repeated within a policy for the same type. Errors read "FILE:LINE: path: message"
// and never quote a value. Bounds against hostile files: at most kMaxTenants tenants, kMaxRules
// rules per policy and kMaxTextBytes per key or matcher value; yaml-cpp refuses deep nesting.
// Thread-safety: a built config is immutable; share it freely.
//
//   auto config = load_tenant_limit_config("/etc/smg/tenants.yaml");
//   if (!config.ok()) die(config.status().message());
//   const TenantPolicy& policy = config->policy_for("auth:team-red");
//   const ModelRule* rule = policy.rule_for("gpt-4o");
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::ratelimit {

struct ScopeLimits {
  uint32_t tokens_per_minute = 0;
  uint32_t requests_per_minute = 0;
};

enum class MatchType { kExact, kPrefix };

struct ModelRule {
  std::string rule_id;
  MatchType match = MatchType::kExact;
  std::string value;
  ScopeLimits limits;
};

struct TenantPolicy {
  std::string tenant_key;  // empty for the default policy
  ScopeLimits limits;
  std::vector<ModelRule> model_rules;
  // The one rule for `model`: an exact match first, else the longest prefix; null when none.
  const ModelRule* rule_for(std::string_view model) const;
};

struct TenantLimitConfig {
  static constexpr std::size_t kMaxTenants = 100000;
  static constexpr std::size_t kMaxRules = 1000;
  static constexpr std::size_t kMaxTextBytes = 256;

  TenantPolicy default_policy;
  std::vector<TenantPolicy> tenants;
  std::map<std::string, std::size_t, std::less<>> index;  // tenant_key → tenants[i]

  // The tenant's own policy, else the default one.
  const TenantPolicy& policy_for(std::string_view tenant_key) const;
};

// `source` names the text in errors (the file's path).
Result<TenantLimitConfig> parse_tenant_limit_config(std::string_view yaml, std::string_view source);
Result<TenantLimitConfig> load_tenant_limit_config(const std::string& path);

}  // namespace smg::ratelimit
