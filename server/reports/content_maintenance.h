// Content-capture maintenance, shared by the caller-token API
//   DELETE /v1/content-captures/{request_id}      action `delete` in the capture's caller domain
//   POST   /v1/content-captures/purge-expired     action `purge`, in every domain it is granted
// and the same two actions offered to browser admins under /admin/reports/api/. Object
// `content:capture`; a subject granted the action nowhere is 403 `content-forbidden` before any
// lookup (no probing for ids), an unknown id or one without captured content is 404
// `content-not-found`, a capture in a domain where the action is not granted is 403. Every
// decision is written to the audit log (when audit is on), allowed or not.
// Thread-safety: thread-safe.
//
//   ContentMaintenance content(store, &enforcer, audit_log);
//   Response r = content.remove({request, principal_subject, "caller_token"}, request_id);
#pragma once

#include <string>

#include "common/audit/audit_log.h"
#include "common/policy/enforcer.h"
#include "server/http/exchange.h"
#include "server/requestlog/request_log_store.h"

namespace smg::server::reports {

struct MaintenanceActor {
  const Request& request;
  std::string subject;
  std::string auth_method;  // caller_token | basic | oidc_session
};

class ContentMaintenance {
 public:
  // REQUIRES: `store` outlives this; `enforcer` and `audit` may be null.
  ContentMaintenance(requestlog::RequestLogStore& store, const policy::Enforcer* enforcer,
                     audit::AuditLog* audit);

  Response remove(const MaintenanceActor& actor, const std::string& request_id);
  Response purge_expired(const MaintenanceActor& actor);
  // Writes the audit line for `response` (also for requests refused before reaching here).
  Response audited(const MaintenanceActor& actor, const std::string& resource, Response response,
                   const std::string& details) const;

 private:
  bool granted(const std::string& subject, const std::string& domain,
               const std::string& action) const;

  requestlog::RequestLogStore& store_;
  const policy::Enforcer* enforcer_;
  audit::AuditLog* audit_;
};

}  // namespace smg::server::reports
