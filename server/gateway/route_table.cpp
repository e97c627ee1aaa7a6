#include "server/gateway/route_table.h"

#include <array>
#include <utility>

namespace smg::server {
namespace {

struct RouteSpec {
  RouteId id;
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
    RouteSpec{RouteId::kHealth, "/health", RouteClass::kPublic, "health", "GET,HEAD"},
    RouteSpec{RouteId::kLiveness, "/liveness", RouteClass::kPublic, "liveness", "GET,HEAD"},
    RouteSpec{RouteId::kReadiness, "/readiness", RouteClass::kPublic, "readiness", "GET,HEAD"},
    RouteSpec{RouteId::kChatCompletions, "/v1/chat/completions", RouteClass::kDataPlane,
              "chat_completions", "POST", kPayload},
    RouteSpec{RouteId::kCompletions, "/v1/completions", RouteClass::kDataPlane, "completions",
              "POST", kPayload},
    RouteSpec{RouteId::kEmbeddings, "/v1/embeddings", RouteClass::kDataPlane, "embeddings", "POST",
              kPayload},
    RouteSpec{RouteId::kGenerate, "/generate", RouteClass::kDataPlane, "generate", "POST",
              kPayload},
    RouteSpec{RouteId::kRerank, "/v1/rerank", RouteClass::kDataPlane, "rerank", "POST", kPayload},
    RouteSpec{RouteId::kTokenize, "/v1/tokenize", RouteClass::kDataPlane, "tokenize", "POST",
              kPayload},
    RouteSpec{RouteId::kDetokenize, "/v1/detokenize", RouteClass::kDataPlane, "detokenize", "POST",
              kPayload},
    RouteSpec{RouteId::kModels, "/v1/models", RouteClass::kDataPlane, "models", "GET", kPayload},
    RouteSpec{RouteId::kModel, "/v1/models/**", RouteClass::kDataPlane, "model", "GET", kPayload},
    RouteSpec{RouteId::kWorkers, "/workers", RouteClass::kControlPlane, "workers", "GET,POST"},
    RouteSpec{RouteId::kWorker, "/workers/", RouteClass::kControlPlane, "worker",
              "GET,PUT,PATCH,DELETE"},
    RouteSpec{RouteId::kTokenizers, "/v1/tokenizers", RouteClass::kControlPlane, "tokenizers",
              "GET,POST"},
    RouteSpec{RouteId::kTokenizer, "/v1/tokenizers/", RouteClass::kControlPlane, "tokenizer",
              "GET,DELETE"},
    RouteSpec{RouteId::kTokenizerStatus, "/v1/tokenizers/*/status", RouteClass::kControlPlane,
              "tokenizer_status", "GET"},
    RouteSpec{RouteId::kParseFunctionCall, "/parse/function_call", RouteClass::kControlPlane,
              "parse_function_call", "POST"},
    RouteSpec{RouteId::kParseReasoning, "/parse/reasoning", RouteClass::kControlPlane,
              "parse_reasoning", "POST"},
    RouteSpec{RouteId::kWasm, "/wasm", RouteClass::kControlPlane, "wasm", "GET,POST", kModule},
    RouteSpec{RouteId::kWasmModule, "/wasm/", RouteClass::kControlPlane, "wasm_module",
              "GET,DELETE"},
    RouteSpec{RouteId::kFlushCache, "/flush_cache", RouteClass::kControlPlane, "flush_cache",
              "POST"},
    RouteSpec{RouteId::kGetLoads, "/get_loads", RouteClass::kControlPlane, "get_loads", "GET"},
    RouteSpec{RouteId::kAudit, "/admin/audit", RouteClass::kControlPlane, "audit", "GET"},
    RouteSpec{RouteId::kMetrics, "/metrics", RouteClass::kMetrics, "metrics", "GET"},
    RouteSpec{RouteId::kAdminAuthCheck, "/admin/auth/check", RouteClass::kAdmin, "admin_auth_check",
              "GET"},
    RouteSpec{RouteId::kAdminAuthLogin, "/admin/auth/login", RouteClass::kAdmin, "admin_auth_login",
              "GET"},
    RouteSpec{RouteId::kAdminAuthCallback, "/admin/auth/callback", RouteClass::kAdmin,
              "admin_auth_callback", "GET"},
    RouteSpec{RouteId::kAdminAuthMe, "/admin/auth/me", RouteClass::kAdmin, "admin_auth_me", "GET"},
    RouteSpec{RouteId::kAdminAuthLogout, "/admin/auth/logout", RouteClass::kAdmin,
              "admin_auth_logout", "POST"},
    // Admin reports (server/reports/report_routes.h): names start with "reports_".
    RouteSpec{RouteId::kReportsSession, "/admin/reports/api/session", RouteClass::kAdmin,
              "reports_session", "GET"},
    RouteSpec{RouteId::kReportsSummary, "/admin/reports/api/summary", RouteClass::kAdmin,
              "reports_summary", "GET"},
    RouteSpec{RouteId::kReportsTimeseries, "/admin/reports/api/timeseries", RouteClass::kAdmin,
              "reports_timeseries", "GET"},
    RouteSpec{RouteId::kReportsRequests, "/admin/reports/api/requests", RouteClass::kAdmin,
              "reports_requests", "GET"},
    RouteSpec{RouteId::kReportsExport, "/admin/reports/api/export.md", RouteClass::kAdmin,
              "reports_export", "GET"},
    RouteSpec{RouteId::kReportsRequest, "/admin/reports/api/request/", RouteClass::kAdmin,
              "reports_request", "GET"},
    RouteSpec{RouteId::kReportsEvidence, "/admin/reports/api/request-evidence", RouteClass::kAdmin,
              "reports_evidence", "GET"},
    RouteSpec{RouteId::kReportsSecurity, "/admin/reports/api/security", RouteClass::kAdmin,
              "reports_security", "GET"},
    RouteSpec{RouteId::kReportsContentPurge, "/admin/reports/api/content-captures/purge-expired",
              RouteClass::kAdmin, "reports_content_purge", "POST"},
    RouteSpec{RouteId::kReportsContentCapture, "/admin/reports/api/content-captures/",
              RouteClass::kAdmin, "reports_content_capture", "DELETE"},
    // The reports web UI (server/reports/report_ui.h): pages and their embedded assets.
    RouteSpec{RouteId::kReportsPageOverview, "/admin/reports", RouteClass::kAdmin,
              "reports_page_overview", "GET"},
    RouteSpec{RouteId::kReportsPageRequests, "/admin/reports/requests", RouteClass::kAdmin,
              "reports_page_requests", "GET"},
    RouteSpec{RouteId::kReportsPageRequest, "/admin/reports/request", RouteClass::kAdmin,
              "reports_page_request", "GET"},
    RouteSpec{RouteId::kReportsAsset, "/admin/reports/assets/", RouteClass::kAdmin, "reports_asset",
              "GET"},
    RouteSpec{RouteId::kContentPurge, "/v1/content-captures/purge-expired", RouteClass::kContent,
              "content_purge", "POST"},
    RouteSpec{RouteId::kContentCapture, "/v1/content-captures/", RouteClass::kContent,
              "content_capture", "DELETE"},
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
    match.id = spec.id;
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

bool is_probe_path(std::string_view path) {
  return path == "/health" || path == "/liveness" || path == "/readiness";
}

const char* route_class_name(RouteClass route_class) {
  switch (route_class) {
    case RouteClass::kPublic:
      return "public";
    case RouteClass::kDataPlane:
      return "data_plane";
    case RouteClass::kControlPlane:
      return "control_plane";
    case RouteClass::kMetrics:
      return "metrics";
    case RouteClass::kAdmin:
      return "admin";
    case RouteClass::kContent:
      return "content";
    case RouteClass::kNotFound:
      return "not_found";
  }
  return "not_found";
}

}  // namespace smg::server
