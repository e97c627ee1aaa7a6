// The embedded reports UI (server/reports/ui_assets.h, report_ui.h): every file is compiled in,
// pages reference only embedded assets, and nothing in them needs what the CSP forbids (inline
// script or style, event-handler attributes) or parses data as HTML.
#include "server/reports/report_ui.h"

#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "server/gateway/route_table.h"
#include "server/reports/ui_assets.h"

using smg::server::reports::embedded_ui_files;
using smg::server::reports::find_ui_file;
using smg::server::reports::ReportUi;
using smg::server::reports::ui_content_type;

TEST_CASE("report ui: pages and their assets are embedded", "[reports_ui]") {
  for (const char* name : {"overview.html", "requests.html", "request.html", "common.js",
                           "charts.js", "overview.js", "requests.js", "request.js", "app.css",
                           "icon.svg"}) {
    INFO(name);
    const auto* file = find_ui_file(name);
    REQUIRE(file != nullptr);
    CHECK(file->size > 100);
    CHECK(file->text().size() == file->size);
  }
  CHECK(find_ui_file("missing.js") == nullptr);
  CHECK(find_ui_file("") == nullptr);
}

TEST_CASE("report ui: content types by extension", "[reports_ui]") {
  CHECK(ui_content_type("overview.html") == "text/html; charset=utf-8");
  CHECK(ui_content_type("common.js") == "text/javascript; charset=utf-8");
  CHECK(ui_content_type("app.css") == "text/css; charset=utf-8");
  CHECK(ui_content_type("icon.svg") == "image/svg+xml");
  CHECK(ui_content_type("notes.txt") == "application/octet-stream");
}

TEST_CASE("report ui: serves only its page and asset routes", "[reports_ui]") {
  CHECK(ReportUi::serves("reports_page_overview"));
  CHECK(ReportUi::serves("reports_page_request"));
  CHECK(ReportUi::serves("reports_asset"));
  CHECK_FALSE(ReportUi::serves("reports_summary"));
  CHECK_FALSE(ReportUi::serves("reports_content_capture"));
}

TEST_CASE("report ui: page and asset routes are admin routes", "[reports_ui]") {
  using smg::server::classify_route;
  using smg::server::RouteClass;
  CHECK(classify_route("GET", "/admin/reports").name == "reports_page_overview");
  CHECK(classify_route("GET", "/admin/reports/requests").name == "reports_page_requests");
  CHECK(classify_route("GET", "/admin/reports/request").name == "reports_page_request");
  auto asset = classify_route("GET", "/admin/reports/assets/app.css");
  CHECK(asset.route_class == RouteClass::kAdmin);
  CHECK(asset.name == "reports_asset");
  CHECK(asset.resource == "app.css");
  // One segment only: no path traversal into anything but the embedded table.
  CHECK(classify_route("GET", "/admin/reports/assets/../x").route_class == RouteClass::kNotFound);
  CHECK_FALSE(classify_route("POST", "/admin/reports").method_allowed);
}

TEST_CASE("report ui: pages need nothing the CSP forbids", "[reports_ui][attack]") {
  const std::regex asset_reference(R"re((?:src|href)="(/[^"]*)")re");
  const std::regex inline_script(R"re(<script(?![^>]*\bsrc=)[^>]*>)re");
  const std::regex event_attribute(R"re(<[^>]*\son[a-z]+\s*=)re", std::regex::icase);
  int pages = 0;
  for (const auto& file : embedded_ui_files()) {
    std::string text(file.text());
    if (!std::string_view(file.name).ends_with(".html")) continue;
    ++pages;
    INFO(file.name);
    CHECK_FALSE(std::regex_search(text, inline_script));
    CHECK_FALSE(std::regex_search(text, event_attribute));
    CHECK(text.find("style=") == std::string::npos);
    CHECK(text.find("<style") == std::string::npos);
    for (std::sregex_iterator it(text.begin(), text.end(), asset_reference), end; it != end; ++it) {
      std::string target = (*it)[1];
      INFO(target);
      if (target.rfind("/admin/reports/assets/", 0) == 0) {
        CHECK(find_ui_file(target.substr(std::string("/admin/reports/assets/").size())));
      } else {
        CHECK(target.rfind("/admin/", 0) == 0);  // same origin, never a CDN
      }
    }
  }
  CHECK(pages == 3);
}

TEST_CASE("report ui: scripts never parse data as HTML or set inline style", "[reports_ui][attack]") {
  for (const auto& file : embedded_ui_files()) {
    if (!std::string_view(file.name).ends_with(".js")) continue;
    INFO(file.name);
    std::string text(file.text());
    // The SVG namespace is a name, not a URL anything is fetched from.
    const std::string svg_namespace = "'http://www.w3.org/2000/svg'";
    for (auto at = text.find(svg_namespace); at != std::string::npos; at = text.find(svg_namespace)) {
      text.erase(at, svg_namespace.size());
    }
    for (const char* forbidden : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                  "eval(", "new Function", ".style", "'style'", "\"style\"",
                                  "http://", "https://"}) {
      INFO(forbidden);
      CHECK(text.find(forbidden) == std::string::npos);
    }
  }
}
