#include "server/reports/report_routes.h"

#include "common/clock/clock.h"
#include "server/admin/admin_responses.h"
#include "server/reports/markdown_export.h"
#include "server/reports/report_params.h"
#include "server/reports/report_ui.h"
#include "server/reports/security_report.h"
#include "server/requestlog/report_queries.h"

namespace smg::server::reports {
namespace {

using requestlog::Dimension;
using requestlog::RecordFilter;

Response unavailable_response() { return admin_error_response(503, "request-log-unavailable"); }

// Authorizes, then runs `handler` with the viewer; data endpoints need the request log.
template <typename Handler>
Response with_viewer(const ReportRoutesParts& parts, const Request& request,
                     std::string_view object, std::string_view action, Handler handler) {
  auto viewer = parts.access->authorize(request, object, action);
  if (auto* denied = std::get_if<Response>(&viewer)) return std::move(*denied);
  if (parts.store == nullptr) return admin_error_response(404, "request-log-disabled");
  return handler(std::get<Viewer>(viewer));
}

nlohmann::json groups_json(const std::vector<requestlog::Group>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& group : groups) {
    nlohmann::json row = requestlog::to_json(group.totals);
    row["key"] = group.key;
    out.push_back(std::move(row));
  }
  return out;
}

nlohmann::json range_json(const RecordFilter& filter, int64_t now_ms) {
  return {{"from", format_rfc3339_ms(filter.from_ms.value_or(0))},
          {"to", format_rfc3339_ms(filter.to_ms.value_or(now_ms))}};
}

nlohmann::json content_summary(const std::optional<requestlog::CapturedContent>& content) {
  if (!content) return {{"captured", false}};
  return {{"captured", true},
          {"request_bytes", content->request_body.size()},
          {"response_bytes", content->response_body.size()},
          {"request_truncated", content->request_truncated},
          {"response_truncated", content->response_truncated},
          {"expires_at", format_rfc3339_ms(content->expires_at_ms)}};
}

}  // namespace

Response report_json(int status, const nlohmann::json& body) {
  Response response = admin::admin_json(status, nlohmann::json::object());
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response ReportRoutes::handle(const std::string& route_name, const std::string& resource,
                              const Request& request) {
  if (ReportUi::serves(route_name)) {
    return ReportUi(parts_.access).handle(route_name, resource, request);
  }
  if (route_name == "reports_session") return session(request);
  if (route_name == "reports_summary") return summary(request);
  if (route_name == "reports_timeseries") return timeseries(request);
  if (route_name == "reports_requests") return requests(request);
  if (route_name == "reports_export") return export_markdown(request);
  if (route_name == "reports_request") return request_detail(request, resource, false);
  if (route_name == "reports_evidence") {
    return request_detail(request, request.query_param("request_id"), true);
  }
  if (route_name == "reports_security") return security(request);
  if (route_name == "reports_content_capture") return content_action(request, resource, false);
  if (route_name == "reports_content_purge") return content_action(request, "", true);
  return admin_error_response(404, "not-found");
}

Response ReportRoutes::session(const Request& request) {
  auto identity = parts_.access->identify(request);
  if (auto* denied = std::get_if<Response>(&identity)) return std::move(*denied);
  const auto& who = std::get<admin::AdminIdentity>(identity);
  nlohmann::json grants = nlohmann::json::object();
  bool any = false;
  for (const auto& [object, actions] :
       std::vector<std::pair<const char*, std::vector<const char*>>>{
           {kReportsObject, {"read", "export", "drilldown"}},
           {kSecurityObject, {"read"}},
           {kContentObject, {"delete", "purge"}}}) {
    for (const char* action : actions) {
      auto domains = parts_.access->domains(who.subject, object, action);
      any = any || !domains.empty();  // a content-only admin needs the CSRF token too
      grants[object][action] = domains;
    }
  }
  if (!any) return admin_error_response(403, "reports-forbidden");
  return report_json(200, {{"ok", true},
                           {"source", who.source},
                           {"subject", who.subject},
                           {"domain", who.domain},
                           {"grants", grants},
                           {"request_log", parts_.store != nullptr},
                           {"csrf_header", kCsrfHeader},
                           {"csrf_token", parts_.access->csrf_token(who)}});
}

Response ReportRoutes::summary(const Request& request) {
  return with_viewer(parts_, request, kReportsObject, "read", [&](const Viewer& viewer) {
    int64_t now = unix_now_ms();
    auto filter = filter_from_query(request, viewer.domains, now);
    if (!filter.ok()) return invalid_parameter(filter.status());
    requestlog::ReportQueries queries(*parts_.store);
    auto totals = queries.summary(*filter);
    auto by_model = queries.breakdown(*filter, Dimension::kModel);
    auto by_caller = queries.breakdown(*filter, Dimension::kCaller);
    auto by_worker = queries.breakdown(*filter, Dimension::kWorker);
    if (!totals.ok() || !by_model.ok() || !by_caller.ok() || !by_worker.ok()) {
      return unavailable_response();
    }
    nlohmann::json body = range_json(*filter, now);
    body["domains"] = viewer.domains;
    body["summary"] = requestlog::to_json(*totals);
    body["by_model"] = groups_json(*by_model);
    body["by_caller"] = groups_json(*by_caller);
    body["by_worker"] = groups_json(*by_worker);
    return report_json(200, body);
  });
}

Response ReportRoutes::timeseries(const Request& request) {
  return with_viewer(parts_, request, kReportsObject, "read", [&](const Viewer& viewer) {
    int64_t now = unix_now_ms();
    auto filter = filter_from_query(request, viewer.domains, now);
    if (!filter.ok()) return invalid_parameter(filter.status());
    auto bucket_ms = bucket_from_query(request, *filter, now);
    if (!bucket_ms.ok()) return invalid_parameter(bucket_ms.status());
    auto buckets = requestlog::ReportQueries(*parts_.store).timeseries(*filter, *bucket_ms);
    if (!buckets.ok()) return unavailable_response();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& bucket : *buckets) {
      nlohmann::json row = requestlog::to_json(bucket.totals);
      row["start"] = format_rfc3339_ms(bucket.start_ms);
      row["start_ms"] = bucket.start_ms;
      rows.push_back(std::move(row));
    }
    nlohmann::json body = range_json(*filter, now);
    body["bucket_ms"] = *bucket_ms;
    body["buckets"] = rows;
    return report_json(200, body);
  });
}

Response ReportRoutes::requests(const Request& request) {
  return with_viewer(parts_, request, kReportsObject, "read", [&](const Viewer& viewer) {
    auto filter = filter_from_query(request, viewer.domains, unix_now_ms());
    if (!filter.ok()) return invalid_parameter(filter.status());
    int page = filter->limit;
    filter->limit = page + 1;  // one more tells whether another page exists
    auto rows = parts_.store->list(*filter);
    if (!rows.ok()) return unavailable_response();
    nlohmann::json out = nlohmann::json::array();
    for (int i = 0; i < page && i < static_cast<int>(rows->size()); ++i) {
      out.push_back(requestlog::to_json((*rows)[static_cast<std::size_t>(i)]));
    }
    bool more = static_cast<int>(rows->size()) > page;
    nlohmann::json next = more ? nlohmann::json(std::to_string(
                                     (*rows)[static_cast<std::size_t>(page - 1)].seq))
                               : nlohmann::json(nullptr);
    return report_json(200, {{"requests", out}, {"next_cursor", next}, {"limit", page}});
  });
}

Response ReportRoutes::export_markdown(const Request& request) {
  return with_viewer(parts_, request, kReportsObject, "export", [&](const Viewer& viewer) {
    int64_t now = unix_now_ms();
    auto filter = filter_from_query(request, viewer.domains, now);
    if (!filter.ok()) return invalid_parameter(filter.status());
    if (request.query_param("limit").empty()) filter->limit = kMaxPageSize;
    int page = filter->limit;
    filter->limit = page + 1;
    auto rows = parts_.store->list(*filter);
    auto totals = requestlog::ReportQueries(*parts_.store).summary(*filter);
    if (!rows.ok() || !totals.ok()) return unavailable_response();
    ExportHeader header{now, viewer.identity.subject, viewer.domains, {}, false};
    for (const auto& [name, value] : request.query) header.filter.emplace_back(name, value);
    header.more_rows = static_cast<int>(rows->size()) > page;
    if (header.more_rows) rows->pop_back();
    Response response = admin::admin_json(200, nlohmann::json::object());
    response.content_type = "text/markdown; charset=utf-8";
    response.body = markdown_export(header, *totals, *rows);
    response.set_header("Content-Disposition", "attachment; filename=\"smg-requests.md\"");
    return response;
  });
}

Response ReportRoutes::request_detail(const Request& request, const std::string& request_id,
                                      bool evidence) {
  return with_viewer(parts_, request, kReportsObject, "drilldown", [&](const Viewer& viewer) {
    if (request_id.empty()) return invalid_parameter(invalid_argument("request_id", "required"));
    auto record = parts_.store->find(request_id, viewer.domains);
    if (!record.ok()) return unavailable_response();
    if (!*record) return admin_error_response(404, "request-not-found");
    auto content = parts_.store->content((*record)->seq);
    if (!content.ok()) return unavailable_response();
    nlohmann::json body = requestlog::to_json(**record);
    body["client_addr"] = (*record)->client_addr;
    body["content"] = content_summary(*content);
    if (!evidence) return report_json(200, {{"request", body}});
    nlohmann::json audit = nlohmann::json::array();
    if (parts_.audit != nullptr) {
      for (const auto& event : parts_.audit->since_sequence(0)) {
        if (event.resource == request_id || event.request_id == request_id) {
          audit.push_back(audit::to_json(event));
        }
      }
    }
    return report_json(200, {{"request", body},
                             {"content", *content ? requestlog::to_json(**content) : nlohmann::json(nullptr)},
                             {"audit", audit}});
  });
}

Response ReportRoutes::security(const Request& request) {
  return with_viewer(parts_, request, kSecurityObject, "read", [&](const Viewer& viewer) {
    int64_t now = unix_now_ms();
    auto filter = filter_from_query(request, viewer.domains, now);
    if (!filter.ok()) return invalid_parameter(filter.status());
    SecurityWindow window{viewer.domains, filter->from_ms.value_or(0), filter->to_ms.value_or(now + 1)};
    auto report = security_report(*parts_.store, parts_.audit, window);
    if (!report.ok()) return unavailable_response();
    return report_json(200, *report);
  });
}

// The browser-admin face of content maintenance: identity, then the CSRF token (these calls
// change state and browsers send Basic credentials and cookies on their own), then the same
// policy checks and audit as the caller-token API.
Response ReportRoutes::content_action(const Request& request, const std::string& request_id,
                                      bool purge) {
  auto identity = parts_.access->identify(request);
  if (auto* denied = std::get_if<Response>(&identity)) return std::move(*denied);
  const auto& who = std::get<admin::AdminIdentity>(identity);
  if (!parts_.access->csrf_valid(request, who)) return admin_error_response(403, "csrf-invalid");
  if (parts_.content == nullptr) return admin_error_response(404, "request-log-disabled");
  MaintenanceActor actor{request, who.subject, who.source};
  return purge ? parts_.content->purge_expired(actor) : parts_.content->remove(actor, request_id);
}

}  // namespace smg::server::reports
