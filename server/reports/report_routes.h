// The admin report JSON APIs under /admin/reports/api/ (server.admin_reports.enabled), for a
// small static UI and for scripts. Browser-admin identity + policy, per ReportAccess:
//   GET    session                      who is asking, what they may do where, the CSRF token
//   GET    summary?window=&filters       totals, error rate, p50/p95 latency, tokens by model/
//                                        caller/worker                          admin:reports read
//   GET    timeseries?window=&bucket=    buckets for charts                     read
//   GET    requests?filters&limit&cursor the request table, newest first        read
//   GET    export.md?filters             Markdown of the same view              export
//   GET    request/<request_id>          one record with timing                 drilldown
//   GET    request-evidence?request_id=  the record, captured content, audit lines  drilldown
//   GET    security?window=              auth failures, denied requests, unusual callers
//                                                                admin:security_reports read
//   DELETE content-captures/<request_id> delete captured content   content:capture delete  (CSRF)
//   POST   content-captures/purge-expired                          content:capture purge   (CSRF)
// The web UI's pages and assets (reports_page_*, reports_asset) are served by ReportUi.
// Rows are scoped to the domains where the action is granted; another domain's request id is
// 404 `request-not-found`. With the request log off, data endpoints answer 404
// `request-log-disabled`.
// Thread-safety: handle() is thread-safe.
#pragma once

#include <string>

#include "common/audit/audit_log.h"
#include "server/http/exchange.h"
#include "server/reports/content_maintenance.h"
#include "server/reports/report_access.h"
#include "server/requestlog/request_log_store.h"

namespace smg::server::reports {

struct ReportRoutesParts {
  ReportAccess* access = nullptr;
  requestlog::RequestLogStore* store = nullptr;  // null: request log disabled
  ContentMaintenance* content = nullptr;         // null with the store
  const audit::AuditLog* audit = nullptr;        // null: audit off
};

class ReportRoutes {
 public:
  explicit ReportRoutes(ReportRoutesParts parts) : parts_(parts) {}

  // Route names from route_table: reports_session, reports_summary, ...
  Response handle(const std::string& route_name, const std::string& resource,
                  const Request& request);

 private:
  Response session(const Request& request);
  Response summary(const Request& request);
  Response timeseries(const Request& request);
  Response requests(const Request& request);
  Response export_markdown(const Request& request);
  Response request_detail(const Request& request, const std::string& request_id, bool evidence);
  Response security(const Request& request);
  Response content_action(const Request& request, const std::string& request_id, bool purge);

  ReportRoutesParts parts_;
};

// JSON with the admin no-store headers; invalid UTF-8 from stored bodies is replaced, never
// thrown on.
Response report_json(int status, const nlohmann::json& body);

}  // namespace smg::server::reports
