#include "server/reports/report_ui.h"

#include "server/reports/ui_assets.h"

namespace smg::server::reports {
namespace {

// Headers every UI response carries, refusals included.
void add_ui_headers(Response& response) {
  response.set_header("Content-Security-Policy", kUiContentSecurityPolicy);
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Cache-Control", "no-store");
}

// The page a refused browser sees: no data, only what to do next. Static text, so no escaping.
std::string refusal_page(int status) {
  std::string message =
      status == 401 ? "Sign in to see the request reports."
      : status == 403 ? "Your account is not allowed to read the request reports."
                      : "The request reports are not available right now.";
  std::string link = status == 401 || status == 403
                         ? "<p><a href=\"/admin/auth/login\">Sign in with single sign-on</a></p>\n"
                         : "";
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<title>smg reports</title>\n</head>\n<body>\n<h1>smg reports</h1>\n<p>" +
         message + "</p>\n" + link + "</body>\n</html>\n";
}

std::string page_file(const std::string& route_name) {
  if (route_name == "reports_page_requests") return "requests.html";
  if (route_name == "reports_page_request") return "request.html";
  return "overview.html";
}

Response file_response(const EmbeddedFile& file) {
  Response response = text_response(200, std::string(file.text()),
                                    std::string(ui_content_type(file.name)));
  add_ui_headers(response);
  return response;
}

}  // namespace

bool ReportUi::serves(const std::string& route_name) {
  return route_name == "reports_asset" || route_name.rfind("reports_page_", 0) == 0;
}

Response ReportUi::handle(const std::string& route_name, const std::string& resource,
                          const Request& request) {
  bool page = route_name != "reports_asset";
  auto viewer = access_->authorize(request, kReportsObject, "read");
  if (auto* denied = std::get_if<Response>(&viewer)) {
    Response refusal = std::move(*denied);
    if (page) {
      refusal.body = refusal_page(refusal.status);
      refusal.content_type = "text/html; charset=utf-8";
    }
    add_ui_headers(refusal);
    return refusal;
  }
  // Pages are HTML files; an asset name is one path segment (the route table allows no '/').
  const EmbeddedFile* file = find_ui_file(page ? page_file(route_name) : resource);
  if (file == nullptr || (!page && std::string_view(file->name).ends_with(".html"))) {
    Response missing = admin_error_response(404, "not-found");
    add_ui_headers(missing);
    return missing;
  }
  return file_response(*file);
}

}  // namespace smg::server::reports
