// TenantLimiter: SMG's tenant rate limits on the HTTP data plane (DESIGN §12,
// docs/rate-limits.md). A request is charged to its tenant — `auth:<id>` for an API key or JWT
// principal, `caller:<token_id>` for a caller token, else `ip:<addr>`, else `anonymous` — under
// the tenant's policy (or the default one, one bucket per tenant key), and under the one model
// rule of that policy its model matches, if any. Admission takes one request and reserves the
// request's token estimate (prompt + max_tokens) from every scope; settle() trues the tokens up
// from the worker's reported usage. Refusal: 429 `tenant_rate_limit_exceeded` with Retry-After
// and the IETF RateLimit-Policy / RateLimit headers; counted in
// smg_rate_limit_total{tenant,result} with tenant = the configured tenant key or "default" (never
// a raw address: bounded cardinality).
// Thread-safety: admit() and Reservation::settle() may run on many threads at once.
//
//   TenantLimiter limiter(config, store, metrics);
//   auto admitted = limiter.admit({&principal, request.remote_addr, "gpt-4o", 812});
//   if (!admitted.reservation) return admitted.rejection;
//   ... admitted.reservation->settle(usage.total_tokens);   // once the answer is complete
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/principal/principal.h"
#include "server/http/exchange.h"
#include "server/metrics/metrics.h"
#include "server/ratelimit/limiter_store.h"
#include "server/ratelimit/tenant_limit_config.h"

namespace smg::ratelimit {

struct TenantRequest {
  const Principal* principal = nullptr;  // null or kNone: not authenticated
  std::string_view remote_addr;
  std::string_view model;
  double tokens = 0;  // the reservation: prompt estimate + max_tokens
};

// The tokens reserved for one admitted request, settled once (later calls do nothing).
class Reservation {
 public:
  Reservation(LimiterStore& store, std::vector<ScopeRequest> scopes, double reserved)
      : store_(store), scopes_(std::move(scopes)), reserved_(reserved) {}
  // `used`: the worker's total tokens; nullopt (no usage reported) keeps the reservation as the
  // charge.
  void settle(std::optional<int64_t> used);
  double reserved() const { return reserved_; }

 private:
  LimiterStore& store_;
  std::vector<ScopeRequest> scopes_;
  double reserved_;
  std::atomic<bool> settled_{false};
};

struct TenantAdmission {
  std::shared_ptr<Reservation> reservation;  // set when admitted
  server::Response rejection;                // the 429 otherwise
};

class TenantLimiter {
 public:
  TenantLimiter(std::shared_ptr<const TenantLimitConfig> config, LimiterStore& store,
                metrics::Registry& metrics);

  static std::string tenant_key(const Principal* principal, std::string_view remote_addr);
  TenantAdmission admit(const TenantRequest& request);
  std::size_t tenant_count() const { return config_->tenants.size(); }
  // Whether admit() decides in memory (the local store), never waiting for Redis.
  bool never_blocks() const { return std::string_view(store_.name()) == "local"; }

 private:
  metrics::Counter& counter(const TenantPolicy& policy, bool allowed);

  std::shared_ptr<const TenantLimitConfig> config_;
  LimiterStore& store_;
  metrics::Registry& metrics_;
  // smg_rate_limit_total series per policy (default last) × {allowed, rejected}, looked up in
  // the registry once each (a lookup takes the registry's lock).
  std::unique_ptr<std::atomic<metrics::Counter*>[]> counters_;
};

// The 429 for a refused decision (exposed for tests).
server::Response rejection_response(const Decision& decision,
                                    const std::vector<ScopeRequest>& scopes,
                                    const std::vector<std::string>& scope_names, double tokens);

}  // namespace smg::ratelimit
