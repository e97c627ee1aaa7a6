// The reports web UI under /admin/reports: three pages (overview, request table, request detail)
// and their static assets, all embedded in the binary (ui_assets.h). The pages are plain HTML
// that load same-origin scripts; every datum comes from the JSON APIs (report_routes.h) and is
// written with textContent, so nothing from the request log is ever parsed as HTML.
// Served like the JSON APIs: a browser admin with `admin:reports` `read` (pages and assets
// alike), with a strict CSP (no inline script or style, no framing), nosniff and no-store.
// A page request that is refused gets a small static HTML explanation with the same status
// and headers (the Basic challenge stays), never data.
// Thread-safety: thread-safe (ReportAccess is).
//
//   ReportUi ui(&access);
//   Response r = ui.handle("reports_page_overview", "", request);
#pragma once

#include <string>

#include "server/http/exchange.h"
#include "server/reports/report_access.h"

namespace smg::server::reports {

inline constexpr const char* kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

class ReportUi {
 public:
  explicit ReportUi(ReportAccess* access) : access_(access) {}

  // True for the route names this serves: reports_page_* and reports_asset.
  static bool serves(const std::string& route_name);
  Response handle(const std::string& route_name, const std::string& resource,
                  const Request& request);

 private:
  ReportAccess* access_;
};

}  // namespace smg::server::reports
