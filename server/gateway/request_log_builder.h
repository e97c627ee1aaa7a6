// Builds the request log and everything on top of it from the ServeConfig, once, at start-up:
// the store (SQLite in <data_dir>/request_log.db, or PostgreSQL with backend: postgres), its
// writer thread, the data-plane recorder
// (with content capture), content maintenance, and the admin report routes. Any part that is
// off stays null, and the gateway answers its routes with 404.
//
//   auto log = build_request_log(config, {metrics, enforcer, audit, admin_routes});
//   if (!log.ok()) return log.status();     // config_invalid naming server.request_log
#pragma once

#include <memory>

#include "common/audit/audit_log.h"
#include "common/policy/enforcer.h"
#include "server/admin/admin_auth_routes.h"
#include "server/gateway/request_recorder.h"
#include "server/gateway/serve_config.h"
#include "server/metrics/metrics.h"
#include "server/reports/content_maintenance.h"
#include "server/reports/report_access.h"
#include "server/reports/report_routes.h"
#include "server/requestlog/request_log_store.h"
#include "server/requestlog/request_log_writer.h"

namespace smg::server {

struct RequestLogDependencies {
  metrics::Registry& metrics;
  const policy::Enforcer* enforcer;  // may be null
  audit::AuditLog* audit;            // may be null
  admin::AdminAuthRoutes& admin;
};

// Members are destroyed bottom-up: routes first, the writer (which writes what is queued) before
// the store.
struct RequestLogParts {
  std::unique_ptr<requestlog::RequestLogStore> store;
  std::unique_ptr<requestlog::RequestLogWriter> writer;
  std::unique_ptr<RequestRecorder> recorder;
  std::unique_ptr<reports::ContentMaintenance> content;
  std::unique_ptr<reports::ReportAccess> access;
  std::unique_ptr<reports::ReportRoutes> routes;
};

// REQUIRES: the dependencies outlive the result. Starts the writer thread.
Result<RequestLogParts> build_request_log(const ServeConfig& config,
                                          const RequestLogDependencies& dependencies);

}  // namespace smg::server
