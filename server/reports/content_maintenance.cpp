#include "server/reports/content_maintenance.h"

#include "common/clock/clock.h"
#include "server/admin/admin_responses.h"
#include "server/reports/report_access.h"

namespace smg::server::reports {

ContentMaintenance::ContentMaintenance(requestlog::RequestLogStore& store,
                                       const policy::Enforcer* enforcer, audit::AuditLog* audit)
    : store_(store), enforcer_(enforcer), audit_(audit) {}

bool ContentMaintenance::granted(const std::string& subject, const std::string& domain,
                                 const std::string& action) const {
  return enforcer_ != nullptr && enforcer_->enforce(subject, domain, kContentObject, action);
}

Response ContentMaintenance::audited(const MaintenanceActor& actor, const std::string& resource,
                                     Response response, const std::string& details) const {
  if (audit_ == nullptr) return response;
  audit::AuditEvent event;
  event.timestamp_ms = unix_now_ms();
  event.principal = actor.subject;
  event.auth_method = actor.auth_method;
  event.method = actor.request.method;
  event.path = actor.request.path;
  event.resource = resource;
  // Outcomes are about authorization, as for control-plane lines: an admitted request that
  // found nothing to delete is still a success.
  event.outcome = response.status == 401   ? "unauthenticated"
                  : response.status == 403 ? "denied"
                                           : "success";
  event.status = response.status;
  event.request_id = actor.request.request_id;
  event.details = details;
  audit_->record(std::move(event));
  return response;
}

Response ContentMaintenance::remove(const MaintenanceActor& actor, const std::string& request_id) {
  std::vector<std::string> granted_domains;
  if (enforcer_ != nullptr) {
    granted_domains = enforcer_->domains_granting(actor.subject, kContentObject, "delete");
  }
  if (granted_domains.empty()) {
    return audited(actor, request_id, admin_error_response(403, "content-forbidden"),
                   "content:capture delete not granted");
  }
  // Request ids come from clients: another domain may reuse a victim's id (attack probe,
  // finding 11). The record in a domain the actor may delete in wins; only when there is none
  // does a record elsewhere decide the answer.
  auto record = store_.find(request_id, granted_domains);
  if (record.ok() && !*record) record = store_.find_any(request_id);
  if (!record.ok()) {
    return audited(actor, request_id, admin_error_response(503, "request-log-unavailable"),
                   record.status().reason());
  }
  if (!*record) {
    return audited(actor, request_id, admin_error_response(404, "content-not-found"),
                   "unknown request id");
  }
  const std::string& domain = (*record)->caller_domain;
  if (!granted(actor.subject, domain, "delete")) {
    return audited(actor, request_id, admin_error_response(403, "content-forbidden"),
                   "content:capture delete not granted in " + domain);
  }
  auto deleted = store_.delete_content((*record)->seq);
  if (!deleted.ok()) {
    return audited(actor, request_id, admin_error_response(503, "request-log-unavailable"),
                   deleted.status().reason());
  }
  if (!*deleted) {
    return audited(actor, request_id, admin_error_response(404, "content-not-found"),
                   "no captured content");
  }
  return audited(actor, request_id,
                 admin::admin_json(200, {{"ok", true}, {"request_id", request_id},
                                         {"domain", domain}, {"deleted", true}}),
                 "captured content deleted in " + domain);
}

Response ContentMaintenance::purge_expired(const MaintenanceActor& actor) {
  std::vector<std::string> domains;
  if (enforcer_ != nullptr) domains = enforcer_->domains_granting(actor.subject, kContentObject, "purge");
  if (domains.empty()) {
    return audited(actor, "", admin_error_response(403, "content-forbidden"),
                   "content:capture purge not granted");
  }
  auto purged = store_.purge_expired_content(unix_now_ms(), &domains);
  if (!purged.ok()) {
    return audited(actor, "", admin_error_response(503, "request-log-unavailable"),
                   purged.status().reason());
  }
  return audited(actor, "",
                 admin::admin_json(200, {{"ok", true}, {"purged", *purged}, {"domains", domains}}),
                 "purged " + std::to_string(*purged) + " expired captures");
}

}  // namespace smg::server::reports
