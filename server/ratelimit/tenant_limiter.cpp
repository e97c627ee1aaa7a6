#include "server/ratelimit/tenant_limiter.h"

#include <algorithm>
#include <cmath>

namespace smg::ratelimit {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// RFC 9651 structured-field parameters of one limit: `"rpm";q=300;w=60` and `"rpm";r=0;t=12`.
void add_items(std::string& policy, std::string& state, const std::string& name, uint32_t quota,
               double left, double needed) {
  if (!policy.empty()) policy += ", ";
  if (!state.empty()) state += ", ";
  policy += "\"" + name + "\";q=" + std::to_string(quota) + ";w=60";
  auto remaining = static_cast<uint64_t>(std::max(0.0, std::floor(left)));
  state += "\"" + name + "\";r=" + std::to_string(remaining) +
           ";t=" + std::to_string(wait_secs(left, std::min(needed, double(quota)), quota));
}

}  // namespace

void Reservation::settle(std::optional<int64_t> used) {
  if (settled_.exchange(true) || !used) return;
  store_.settle(scopes_, static_cast<double>(*used) - reserved_);
}

std::string TenantLimiter::tenant_key(const Principal* principal, std::string_view remote_addr) {
  if (principal != nullptr && principal->auth_method != AuthMethod::kNone) {
    const std::string& subject = principal->subject;
    // Tenant API keys are "auth:<tenant>" already; a caller token "caller:<token_id>".
    if (starts_with(subject, "auth:") || starts_with(subject, "caller:")) return subject;
    // The shared --api-key names nobody: like SMG, the tenant is then the client's address.
    if (subject != "api_key:shared") {
      std::size_t colon = subject.find(':');  // api_key:<id>, jwt:<sub>
      return "auth:" + (colon == std::string::npos ? subject : subject.substr(colon + 1));
    }
  }
  if (!remote_addr.empty()) return "ip:" + std::string(remote_addr);
  return "anonymous";
}

TenantLimiter::TenantLimiter(std::shared_ptr<const TenantLimitConfig> config, LimiterStore& store,
                             metrics::Registry& metrics)
    : config_(std::move(config)),
      store_(store),
      metrics_(metrics),
      counters_(new std::atomic<metrics::Counter*>[(config_->tenants.size() + 1) * 2]) {
  for (std::size_t i = 0; i < (config_->tenants.size() + 1) * 2; ++i) counters_[i] = nullptr;
}

metrics::Counter& TenantLimiter::counter(const TenantPolicy& policy, bool allowed) {
  bool is_default = &policy == &config_->default_policy;
  std::size_t index = is_default ? config_->tenants.size() : &policy - config_->tenants.data();
  std::atomic<metrics::Counter*>& slot = counters_[index * 2 + (allowed ? 0 : 1)];
  metrics::Counter* found = slot.load(std::memory_order_acquire);
  if (found == nullptr) {
    found = &metrics_.counter("smg_rate_limit_total", "Tenant rate-limit decisions",
                              {{"tenant", is_default ? "default" : policy.tenant_key},
                               {"result", allowed ? "allowed" : "rejected"}});
    slot.store(found, std::memory_order_release);
  }
  return *found;
}

TenantAdmission TenantLimiter::admit(const TenantRequest& request) {
  std::string key = tenant_key(request.principal, request.remote_addr);
  const TenantPolicy& policy = config_->policy_for(key);
  std::vector<ScopeRequest> scopes{{key, policy.limits}};
  std::vector<std::string> names{""};
  if (const ModelRule* rule = policy.rule_for(request.model)) {
    scopes.push_back({key + "#rule:" + rule->rule_id, rule->limits});
    names.push_back(rule->rule_id + ".");
  }
  double tokens = std::max(0.0, request.tokens);
  Decision decision = store_.reserve(scopes, tokens);
  counter(policy, decision.allowed).inc();
  TenantAdmission out;
  if (decision.allowed) {
    LimiterStore& settle_with = decision.store != nullptr ? *decision.store : store_;
    out.reservation = std::make_shared<Reservation>(settle_with, std::move(scopes), tokens);
  } else {
    out.rejection = rejection_response(decision, scopes, names, tokens);
  }
  return out;
}

server::Response rejection_response(const Decision& decision,
                                    const std::vector<ScopeRequest>& scopes,
                                    const std::vector<std::string>& scope_names, double tokens) {
  // The scope that refused with the longest wait is the one the headers describe.
  std::size_t binding = 0;
  uint64_t retry_after = 1;
  for (std::size_t i = 0; i < decision.scopes.size(); ++i) {
    const ScopeCheck& c = decision.scopes[i];
    if (!c.allowed && c.retry_after_secs >= retry_after) {
      retry_after = c.retry_after_secs;
      binding = i;
    }
  }
  server::Response response = server::error_response(429, "tenant_rate_limit_exceeded",
                                                     "Tenant rate limit exceeded for this request",
                                                     "tenant_rate_limit_exceeded");
  response.set_header("Retry-After", std::to_string(retry_after));
  if (binding < scopes.size() && binding < scope_names.size()) {
    const ScopeCheck& c = decision.scopes[binding];
    const ScopeLimits& limits = scopes[binding].limits;
    std::string policy, state;
    add_items(policy, state, scope_names[binding] + "rpm", limits.requests_per_minute,
              c.requests_left, 1);
    add_items(policy, state, scope_names[binding] + "tpm", limits.tokens_per_minute, c.tokens_left,
              tokens);
    response.set_header("RateLimit-Policy", policy);
    response.set_header("RateLimit", state);
  }
  return response;
}

}  // namespace smg::ratelimit
