#include "server/gateway/request_log_builder.h"

#include <cstdlib>

#include "common/config/duration.h"
#include "server/gateway/data_dir.h"

namespace smg::server {
namespace {

Status field_error(const std::string& field, const std::string& message) {
  return invalid_argument("config_invalid", "server." + field + ": " + message);
}

CaptureSettings capture_settings(const ServeConfig& config) {
  CaptureSettings capture;
  capture.enabled = config.content_capture_enabled;
  capture.retention_ms = config::parse_duration_ms(config.content_capture_retention).ok()
                             ? *config::parse_duration_ms(config.content_capture_retention)
                             : capture.retention_ms;
  capture.domains = config.content_capture_domains;
  capture.max_body_bytes = config.content_capture_max_bytes;
  return capture;
}

// PostgreSQL must be reachable at start-up (the schema is migrated then); afterwards an outage
// only delays records. The DSN stays out of every message: it may hold a password.
Result<std::unique_ptr<requestlog::RequestLogStore>> open_store(const ServeConfig& config) {
  if (config.request_log_backend == "postgres") {
    const char* dsn = std::getenv(config.request_log_dsn_env.c_str());
    if (dsn == nullptr || *dsn == '\0') {
      return field_error("request_log.dsn_env", "environment variable " +
                                                    config.request_log_dsn_env + " is not set");
    }
    auto store = requestlog::RequestLogStore::open_postgres(dsn);
    if (!store.ok()) return field_error("request_log", store.status().message());
    return store;
  }
  if (Status made = make_data_dir(config.data_dir, "server.request_log"); !made.ok()) return made;
  auto store = requestlog::RequestLogStore::open(config.data_dir + "/request_log.db");
  if (!store.ok()) return field_error("request_log", store.status().message());
  return store;
}

Status open_log(const ServeConfig& config, const RequestLogDependencies& deps,
                RequestLogParts& parts) {
  auto store = open_store(config);
  if (!store.ok()) return store.status();
  parts.store = std::move(*store);
  requestlog::WriterOptions options;
  options.queue_size = config.request_log_queue_size;
  options.purge_interval = std::chrono::seconds(
      config.content_capture_enabled ? config.content_capture_purge_interval_secs : 0);
  parts.writer = std::make_unique<requestlog::RequestLogWriter>(*parts.store, options, deps.metrics);
  parts.writer->start();
  parts.recorder = std::make_unique<RequestRecorder>(*parts.writer, capture_settings(config));
  parts.content =
      std::make_unique<reports::ContentMaintenance>(*parts.store, deps.enforcer, deps.audit);
  return Status::ok_status();
}

}  // namespace

Result<RequestLogParts> build_request_log(const ServeConfig& config,
                                          const RequestLogDependencies& deps) {
  RequestLogParts parts;
  if (config.request_log_enabled) {
    if (Status opened = open_log(config, deps, parts); !opened.ok()) return opened;
  }
  if (config.admin_reports_enabled) {
    parts.access = std::make_unique<reports::ReportAccess>(deps.admin, deps.enforcer);
    parts.routes = std::make_unique<reports::ReportRoutes>(reports::ReportRoutesParts{
        parts.access.get(), parts.store.get(), parts.content.get(), deps.audit});
  }
  return parts;
}

}  // namespace smg::server
