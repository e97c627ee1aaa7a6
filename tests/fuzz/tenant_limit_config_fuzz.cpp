// The tenant rate-limit config reader (--tenant-rate-limit-config): any bytes give a config or
// one error line "SOURCE:LINE: ...", never a crash or an exception; an accepted config keeps
// every invariant the limiter relies on.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/ratelimit/tenant_limit_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto config = smg::ratelimit::parse_tenant_limit_config(yaml, "fuzz.yaml");
  if (!config.ok()) {
    const std::string& message = config.status().message();
    if (message.rfind("fuzz.yaml:", 0) != 0 || message.find('\n') != std::string::npos)
      std::abort();
    return 0;
  }
  auto valid = [](const smg::ratelimit::TenantPolicy& policy) {
    if (policy.limits.tokens_per_minute == 0 || policy.limits.requests_per_minute == 0)
      return false;
    for (const auto& rule : policy.model_rules) {
      if (rule.value.empty() || rule.limits.tokens_per_minute == 0) return false;
    }
    return true;
  };
  if (!valid(config->default_policy) || !config->default_policy.tenant_key.empty()) std::abort();
  if (config->index.size() != config->tenants.size()) std::abort();
  for (const auto& tenant : config->tenants) {
    if (!valid(tenant) || &config->policy_for(tenant.tenant_key) != &tenant) std::abort();
  }
  return 0;
}
