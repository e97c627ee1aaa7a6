// The security report (`GET /admin/reports/api/security`, object admin:security_reports): over a
// time window, data-plane authentication failures (401/403 from the request log, including
// requests that never got a domain because no credential matched), control-plane requests the
// audit ring recorded as denied or unauthenticated, and callers that look unusual:
//   - error rate of at least 50% over at least 5 requests,
//   - more than 3x the median request count of the callers seen (with at least 3 callers and 20
//     requests).
// Tokens refused with key-<status> (disabled, suspended, expired, rotated) show among the
// failures by type: such a request has no caller identity to attach them to.
// Failures without a domain and control-plane audit events belong to no tenant; every security
// viewer sees them. Everything else is scoped to the viewer's domains.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/audit/audit_log.h"
#include "common/status.h"
#include "server/requestlog/request_log_store.h"

namespace smg::server::reports {

struct SecurityWindow {
  std::vector<std::string> domains;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

// `audit` may be null (audit off): the control-plane section is then empty and says so.
Result<nlohmann::json> security_report(requestlog::RequestLogStore& store,
                                       const audit::AuditLog* audit, const SecurityWindow& window);

}  // namespace smg::server::reports
