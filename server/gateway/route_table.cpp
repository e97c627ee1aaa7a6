#include "server/gateway/route_table.h"

#include <array>
#include <utility>

namespace smg::server {
namespace {

struct RouteSpec {
  // An exact path; a prefix ending in '/' that takes one id segment; a prefix ending in "/**"
  // that takes the rest of the path (model ids hold slashes: "meta-llama/Llama-3.1-8B"); or a
  // pattern with one '*' that stands for an id segment ("/v1/tokenizers/*/status").
  std::string_view path;
  RouteClass route_class;
  std::string_view name;
  std::string_view methods;  // comma-separated
  BodyLimit body_limit = BodyLimit::kSmall;
};

constexpr BodyLimit kPayload = BodyLimit::kPayload;  // prompts: --max-payload-size
constexpr BodyLimit kModule = BodyLimit::kModule;    // POST /wasm: a module

constexpr std::array kRoutes = {
    RouteSpec{"/health", RouteClass::kPublic, "health", "GET,HEAD"},
    RouteSpec{"/liveness", RouteClass::kPublic, "liveness", "GET,HEAD"},
    RouteSpec{"/readiness", RouteClass::kPublic, "readiness", "GET,HEAD"},
    RouteSpec{"/v1/chat/completions", RouteClass::kDataPlane, "chat_completions", "POST", kPayload},
    RouteSpec{"/v1/completions", RouteClass::kDataPlane, "completions", "POST", kPayload},
    RouteSpec{"/v1/embeddings", RouteClass::kDataPlane, "embeddings", "POST", kPayload},
    RouteSpec{"/generate", RouteClass::kDataPlane, "generate", "POST", kPayload},
    RouteSpec{"/v1/rerank", RouteClass::kDataPlane, "rerank", "POST", kPayload},
    RouteSpec{"/v1/tokenize", RouteClass::kDataPlane, "tokenize", "POST", kPayload},
    RouteSpec{"/v1/detokenize", RouteClass::kDataPlane, "detokenize", "POST", kPayload},
    RouteSpec{"/v1/models", RouteClass::kDataPlane, "models", "GET", kPayload},
    RouteSpec{"/v1/models/**", RouteClass::kDataPlane, "model", "GET", kPayload},
    RouteSpec{"/workers", RouteClass::kControlPlane, "workers", "GET,POST"},
    RouteSpec{"/workers/", RouteClass::kControlPlane, "worker", "GET,PUT,PATCH,DELETE"},
    RouteSpec{"/v1/tokenizers", RouteClass::kControlPlane, "tokenizers", "GET,POST"},
    RouteSpec{"/v1/tokenizers/", RouteClass::kControlPlane, "tokenizer", "GET,DELETE"},
    RouteSpec{"/v1/tokenizers/*/status", RouteClass::kControlPlane, "tokenizer_status", "GET"},
    RouteSpec{"/parse/function_call", RouteClass::kControlPlane, "parse_function_call", "POST"},
    RouteSpec{"/parse/reasoning", RouteClass::kControlPlane, "parse_reasoning", "POST"},
    RouteSpec{"/wasm", RouteClass::kControlPlane, "wasm", "GET,POST", kModule},
    RouteSpec{"/wasm/", RouteClass::kControlPlane, "wasm_module", "GET,DELETE"},
    RouteSpec{"/flush_cache", RouteClass::kControlPlane, "flush_cache", "POST"},
    RouteSpec{"/get_loads", RouteClass::kControlPlane, "get_loads", "GET"},
    RouteSpec{"/admin/audit", RouteClass::kControlPlane, "audit", "GET"},
    RouteSpec{"/metrics", RouteClass::kMetrics, "metrics", "GET"},
    RouteSpec{"/admin/auth/check", RouteClass::kAdmin, "admin_auth_check", "GET"},
    RouteSpec{"/admin/auth/login", RouteClass::kAdmin, "admin_auth_login", "GET"},
    RouteSpec{"/admin/auth/callback", RouteClass::kAdmin, "admin_auth_callback", "GET"},
    RouteSpec{"/admin/auth/me", RouteClass::kAdmin, "admin_auth_me", "GET"},
    RouteSpec{"/admin/auth/logout", RouteClass::kAdmin, "admin_auth_logout", "POST"},
    // Admin reports (server/reports/report_routes.h): names start with "reports_".
    RouteSpec{"/admin/reports/api/session", RouteClass::kAdmin, "reports_session", "GET"},
    RouteSpec{"/admin/reports/api/summary", RouteClass::kAdmin, "reports_summary", "GET"},
    RouteSpec{"/admin/reports/api/timeseries", RouteClass::kAdmin, "reports_timeseries", "GET"},
    RouteSpec{"/admin/reports/api/requests", RouteClass::kAdmin, "reports_requests", "GET"},
    RouteSpec{"/admin/reports/api/export.md", RouteClass::kAdmin, "reports_export", "GET"},
    RouteSpec{"/admin/reports/api/request/", RouteClass::kAdmin, "reports_request", "GET"},
    RouteSpec{"/admin/reports/api/request-evidence", RouteClass::kAdmin, "reports_evidence", "GET"},
    RouteSpec{"/admin/reports/api/security", RouteClass::kAdmin, "reports_security", "GET"},
    RouteSpec{"/admin/reports/api/content-captures/purge-expired", RouteClass::kAdmin,
              "reports_content_purge", "POST"},
    RouteSpec{"/admin/reports/api/content-captures/", RouteClass::kAdmin, "reports_content_capture",
              "DELETE"},
    // The reports web UI (server/reports/report_ui.h): pages and their embedded assets.
    RouteSpec{"/admin/reports", RouteClass::kAdmin, "reports_page_overview", "GET"},
    RouteSpec{"/admin/reports/requests", RouteClass::kAdmin, "reports_page_requests", "GET"},
    RouteSpec{"/admin/reports/request", RouteClass::kAdmin, "reports_page_request", "GET"},
    RouteSpec{"/admin/reports/assets/", RouteClass::kAdmin, "reports_asset", "GET"},
    RouteSpec{"/v1/content-captures/purge-expired", RouteClass::kContent, "content_purge", "POST"},
    RouteSpec{"/v1/content-captures/", RouteClass::kContent, "content_capture", "DELETE"},
};

bool method_listed(std::string_view methods, std::string_view method) {
  while (!methods.empty()) {
    auto comma = methods.find(',');
    if (methods.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    methods.remove_prefix(comma + 1);
  }
  return false;
}

bool is_segment(std::string_view s) { return !s.empty() && s.find('/') == std::string_view::npos; }

// Paths that are another route's path spelled differently (a trailing slash on a page).
constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kAliases = {{
    {"/admin/reports/", "/admin/reports"},
}};

bool path_matches(const RouteSpec& spec, std::string_view path, std::string_view& resource) {
  if (spec.path.ends_with("/**")) {
    std::string_view head = spec.path.substr(0, spec.path.size() - 2);
    if (path.size() <= head.size() || !path.starts_with(head)) return false;
    resource = path.substr(head.size());
    return true;
  }
  if (auto star = spec.path.find('*'); star != std::string_view::npos) {
    std::string_view head = spec.path.substr(0, star), tail = spec.path.substr(star + 1);
    if (path.size() < head.size() + tail.size() || !path.starts_with(head) ||
        !path.ends_with(tail)) {
      return false;
    }
    resource = path.substr(head.size(), path.size() - head.size() - tail.size());
    return is_segment(resource);
  }
  if (spec.path.back() != '/') {
    return path == spec.path;
  }
  if (path.size() <= spec.path.size() || path.substr(0, spec.path.size()) != spec.path) {
    return false;
  }
  resource = path.substr(spec.path.size());
  return resource.find('/') == std::string_view::npos;
}

}  // namespace

RouteMatch classify_route(std::string_view method, std::string_view path) {
  for (const auto& [alias, canonical] : kAliases) {
    if (path == alias) path = canonical;
  }
  for (const auto& spec : kRoutes) {
    std::string_view resource;
    if (!path_matches(spec, path, resource)) {
      continue;
    }
    RouteMatch match;
    match.route_class = spec.route_class;
    match.name = spec.name;
    match.resource = resource;
    match.method_allowed = method_listed(spec.methods, method);
    match.body_limit = spec.body_limit;
    if (!match.method_allowed) match.allow = std::string(spec.methods);
    return match;
  }
  return {};
}

const char* route_class_name(RouteClass route_class) {
  switch (route_class) {
    case RouteClass::kPublic: return "public";
    case RouteClass::kDataPlane: return "data_plane";
    case RouteClass::kControlPlane: return "control_plane";
    case RouteClass::kMetrics: return "metrics";
    case RouteClass::kAdmin: return "admin";
    case RouteClass::kContent: return "content";
    case RouteClass::kNotFound: return "not_found";
  }
  return "not_found";
}

}  // namespace smg::server
