// The gateway's one route table: method + path pattern -> route id (the handler the gateway
// dispatches to), route class (which authentication applies: none, data plane, control plane,
// metrics, browser admin, caller token) and body limit. Decided from the path alone so that
// auth runs before any handler sees the request, and looked up once per request (the screen
// keeps the match for the handler). Unknown paths are kNotFound.
//
//   RouteMatch m = classify_route("POST", "/v1/chat/completions");
//   m.id == RouteId::kChatCompletions, m.route_class == RouteClass::kDataPlane,
//   m.name == "chat_completions" (metrics, request log)
#pragma once

#include <string>
#include <string_view>

namespace smg::server {

// kContent: content-capture maintenance for caller tokens.
enum class RouteClass { kPublic, kDataPlane, kControlPlane, kMetrics, kAdmin, kContent, kNotFound };

enum class RouteId {
  // Public: no credential.
  kHealth,
  kLiveness,
  kReadiness,
  // Data plane (OpenAI and SGLang APIs).
  kChatCompletions,
  kCompletions,
  kEmbeddings,
  kGenerate,
  kRerank,
  kTokenize,
  kDetokenize,
  kModels,
  kModel,
  // Control plane (SMG's admin APIs).
  kWorkers,
  kWorker,
  kTokenizers,
  kTokenizer,
  kTokenizerStatus,
  kParseFunctionCall,
  kParseReasoning,
  kWasm,
  kWasmModule,
  kFlushCache,
  kGetLoads,
  kAudit,
  kMetrics,
  // Browser admin sign-in.
  kAdminAuthCheck,
  kAdminAuthLogin,
  kAdminAuthCallback,
  kAdminAuthMe,
  kAdminAuthLogout,
  // Admin reports API and web UI.
  kReportsSession,
  kReportsSummary,
  kReportsTimeseries,
  kReportsRequests,
  kReportsExport,
  kReportsRequest,
  kReportsEvidence,
  kReportsSecurity,
  kReportsContentPurge,
  kReportsContentCapture,
  kReportsPageOverview,
  kReportsPageRequests,
  kReportsPageRequest,
  kReportsAsset,
  // Content-capture maintenance for caller tokens.
  kContentPurge,
  kContentCapture,
  kNone,  // no route: 404
};

// Which body limit a route has: most take small JSON bodies; the data plane takes prompts up
// to --max-payload-size; POST /wasm takes a module.
enum class BodyLimit { kSmall, kPayload, kModule };

struct RouteMatch {
  RouteId id = RouteId::kNone;
  RouteClass route_class = RouteClass::kNotFound;
  std::string_view name;       // stable route name for metrics, e.g. "chat_completions"
  std::string resource;        // the id in the path, e.g. a worker id, or ""
  bool method_allowed = true;  // false: answer 405 with `allow`
  std::string allow;           // allowed methods when !method_allowed
  BodyLimit body_limit = BodyLimit::kSmall;
};

RouteMatch classify_route(std::string_view method, std::string_view path);
// The routes that never block (health probes): answered on the I/O thread.
bool is_probe_path(std::string_view path);
const char* route_class_name(RouteClass route_class);

}  // namespace smg::server
