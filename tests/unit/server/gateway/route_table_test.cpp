#include "server/gateway/route_table.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using smg::server::BodyLimit;
using smg::server::classify_route;
using smg::server::route_class_name;
using smg::server::RouteClass;
using smg::server::RouteMatch;

namespace {

struct Expected {
  std::string method;
  std::string path;
  RouteClass route_class;
  std::string resource;
};

const char* kUuid = "123e4567-e89b-42d3-a456-426614174000";

}  // namespace

TEST_CASE("route table: every route of DESIGN section 3 is classified", "[gateway][routes]") {
  const std::string worker = std::string("/workers/") + kUuid;
  const std::string wasm = std::string("/wasm/") + kUuid;
  const std::vector<Expected> routes = {
      {"GET", "/health", RouteClass::kPublic, ""},
      {"GET", "/liveness", RouteClass::kPublic, ""},
      {"GET", "/readiness", RouteClass::kPublic, ""},
      {"POST", "/v1/chat/completions", RouteClass::kDataPlane, ""},
      {"POST", "/v1/completions", RouteClass::kDataPlane, ""},
      {"POST", "/v1/embeddings", RouteClass::kDataPlane, ""},
      {"POST", "/generate", RouteClass::kDataPlane, ""},
      {"POST", "/v1/rerank", RouteClass::kDataPlane, ""},
      {"POST", "/v1/tokenize", RouteClass::kDataPlane, ""},
      {"POST", "/v1/detokenize", RouteClass::kDataPlane, ""},
      {"GET", "/v1/models", RouteClass::kDataPlane, ""},
      {"GET", "/v1/models/m1", RouteClass::kDataPlane, "m1"},
      {"GET", "/v1/models/meta-llama/Llama-3.1-8B", RouteClass::kDataPlane,
       "meta-llama/Llama-3.1-8B"},
      {"GET", "/admin/reports", RouteClass::kAdmin, ""},
      {"GET", "/admin/reports/", RouteClass::kAdmin, ""},
      {"GET", "/workers", RouteClass::kControlPlane, ""},
      {"POST", "/workers", RouteClass::kControlPlane, ""},
      {"GET", worker, RouteClass::kControlPlane, kUuid},
      {"PUT", worker, RouteClass::kControlPlane, kUuid},
      {"PATCH", worker, RouteClass::kControlPlane, kUuid},
      {"DELETE", worker, RouteClass::kControlPlane, kUuid},
      {"GET", "/v1/tokenizers", RouteClass::kControlPlane, ""},
      {"POST", "/v1/tokenizers", RouteClass::kControlPlane, ""},
      {"GET", "/v1/tokenizers/tok-1", RouteClass::kControlPlane, "tok-1"},
      {"DELETE", "/v1/tokenizers/tok-1", RouteClass::kControlPlane, "tok-1"},
      {"POST", "/parse/function_call", RouteClass::kControlPlane, ""},
      {"POST", "/parse/reasoning", RouteClass::kControlPlane, ""},
      {"GET", "/wasm", RouteClass::kControlPlane, ""},
      {"POST", "/wasm", RouteClass::kControlPlane, ""},
      {"GET", wasm, RouteClass::kControlPlane, kUuid},
      {"DELETE", wasm, RouteClass::kControlPlane, kUuid},
      {"POST", "/flush_cache", RouteClass::kControlPlane, ""},
      {"GET", "/get_loads", RouteClass::kControlPlane, ""},
      {"GET", "/admin/audit", RouteClass::kControlPlane, ""},
      {"GET", "/metrics", RouteClass::kMetrics, ""},
  };
  for (const auto& route : routes) {
    INFO(route.method << " " << route.path);
    RouteMatch match = classify_route(route.method, route.path);
    CHECK(match.route_class == route.route_class);
    CHECK(match.method_allowed);
    CHECK(match.allow.empty());
    CHECK(match.resource == route.resource);
    CHECK_FALSE(match.name.empty());
  }
}

TEST_CASE("route table: a known path with another method is 405 with allow",
          "[gateway][routes]") {
  struct Case {
    std::string method, path, allow;
  };
  for (const auto& c : std::vector<Case>{{"POST", "/health", "GET,HEAD"},
                                         {"GET", "/v1/chat/completions", "POST"},
                                         {"POST", "/v1/models", "GET"},
                                         {"DELETE", "/workers", "GET,POST"},
                                         {"POST", "/workers/abc", "GET,PUT,PATCH,DELETE"},
                                         {"PUT", "/v1/tokenizers/x", "GET,DELETE"},
                                         {"GET", "/flush_cache", "POST"},
                                         {"POST", "/get_loads", "GET"},
                                         {"DELETE", "/admin/audit", "GET"}}) {
    INFO(c.method << " " << c.path);
    RouteMatch match = classify_route(c.method, c.path);
    CHECK(match.route_class != RouteClass::kNotFound);
    CHECK_FALSE(match.method_allowed);
    CHECK(match.allow == c.allow);
  }
  CHECK(classify_route("HEAD", "/health").method_allowed);
}

TEST_CASE("route table: unknown paths are not found", "[gateway][routes]") {
  for (const char* path :
       {"/", "", "/nope", "/workers/", "/workers/a/b", "/workersx", "/v1/chat/completions/",
        "/v1/tokenizers/", "/wasm/a/b", "/admin/audit/x", "/metrics/", "/HEALTH", "/v1/Models",
        "//workers", "/admin/auth/", "/admin/auth/check/x", "/admin/authx", "/v1/models/",
        "/admin/reports//"}) {
    INFO(path);
    RouteMatch match = classify_route("GET", path);
    CHECK(match.route_class == RouteClass::kNotFound);
    CHECK(match.resource.empty());
  }
}

TEST_CASE("route table: browser-admin auth routes are their own class", "[gateway][routes]") {
  for (const char* path : {"/admin/auth/check", "/admin/auth/login", "/admin/auth/callback",
                           "/admin/auth/me"}) {
    INFO(path);
    CHECK(classify_route("GET", path).route_class == RouteClass::kAdmin);
  }
  CHECK(classify_route("POST", "/admin/auth/logout").route_class == RouteClass::kAdmin);
}

TEST_CASE("route table: class names are stable", "[gateway][routes]") {
  CHECK(std::string(route_class_name(RouteClass::kPublic)) == "public");
  CHECK(std::string(route_class_name(RouteClass::kDataPlane)) == "data_plane");
  CHECK(std::string(route_class_name(RouteClass::kControlPlane)) == "control_plane");
  CHECK(std::string(route_class_name(RouteClass::kMetrics)) == "metrics");
  CHECK(std::string(route_class_name(RouteClass::kNotFound)) == "not_found");
}

TEST_CASE("route table: admin reports and content-capture routes", "[gateway][routes][reports]") {
  for (const char* path : {"/admin/reports/api/session", "/admin/reports/api/summary",
                           "/admin/reports/api/timeseries", "/admin/reports/api/requests",
                           "/admin/reports/api/export.md", "/admin/reports/api/request-evidence",
                           "/admin/reports/api/security"}) {
    INFO(path);
    RouteMatch match = classify_route("GET", path);
    CHECK(match.route_class == RouteClass::kAdmin);
    CHECK(match.name.rfind("reports_", 0) == 0);
  }
  RouteMatch detail = classify_route("GET", "/admin/reports/api/request/abc-1");
  CHECK(detail.name == "reports_request");
  // The page with a trailing slash is the same page.
  CHECK(classify_route("GET", "/admin/reports/").name == "reports_page_overview");
  CHECK(detail.resource == "abc-1");
  RouteMatch remove = classify_route("DELETE", "/v1/content-captures/abc-1");
  CHECK(remove.route_class == RouteClass::kContent);
  CHECK(remove.name == "content_capture");
  CHECK(remove.resource == "abc-1");
  RouteMatch purge = classify_route("POST", "/v1/content-captures/purge-expired");
  CHECK(purge.name == "content_purge");
  CHECK_FALSE(classify_route("GET", "/v1/content-captures/abc-1").method_allowed);
  CHECK(classify_route("GET", "/admin/reports/api/request/a/b").route_class == RouteClass::kNotFound);
  CHECK(std::string(route_class_name(RouteClass::kContent)) == "content");
}

TEST_CASE("route table: a tokenizer's job status takes one id segment before /status",
          "[gateway][routes]") {
  RouteMatch status = classify_route("GET", "/v1/tokenizers/0190-ab/status");
  CHECK(status.route_class == RouteClass::kControlPlane);
  CHECK(status.name == "tokenizer_status");
  CHECK(status.resource == "0190-ab");
  CHECK(status.method_allowed);
  RouteMatch post = classify_route("POST", "/v1/tokenizers/x/status");
  CHECK_FALSE(post.method_allowed);
  CHECK(post.allow == "GET");
  // ("/v1/tokenizers/status" is the tokenizer named "status".)
  for (const char* path : {"/v1/tokenizers//status", "/v1/tokenizers/a/b/status",
                           "/v1/tokenizers/a/statusx", "/v1/tokenizers/a/status/"}) {
    INFO(path);
    CHECK(classify_route("GET", path).route_class == RouteClass::kNotFound);
  }
}

TEST_CASE("route table: each route carries its body limit", "[gateway][routes]") {
  CHECK(classify_route("POST", "/v1/chat/completions").body_limit == BodyLimit::kPayload);
  CHECK(classify_route("POST", "/v1/tokenize").body_limit == BodyLimit::kPayload);
  CHECK(classify_route("POST", "/wasm").body_limit == BodyLimit::kModule);
  CHECK(classify_route("POST", "/workers").body_limit == BodyLimit::kSmall);
  CHECK(classify_route("POST", "/parse/reasoning").body_limit == BodyLimit::kSmall);
  CHECK(classify_route("POST", "/admin/auth/logout").body_limit == BodyLimit::kSmall);
}

TEST_CASE("route table: handlers dispatch on a typed route id", "[gateway][routes]") {
  using smg::server::RouteId;
  CHECK(classify_route("POST", "/v1/chat/completions").id == RouteId::kChatCompletions);
  CHECK(classify_route("GET", "/v1/models/meta-llama/Llama-3.1-8B").id == RouteId::kModel);
  CHECK(classify_route("GET", "/v1/tokenizers/abc/status").id == RouteId::kTokenizerStatus);
  CHECK(classify_route("DELETE", std::string("/workers/") + kUuid).id == RouteId::kWorker);
  CHECK(classify_route("GET", "/admin/reports/").id == RouteId::kReportsPageOverview);
  CHECK(classify_route("GET", "/nope").id == RouteId::kNone);
  // A wrong method keeps the route (405 with Allow), never another route's id.
  RouteMatch wrong = classify_route("DELETE", "/v1/chat/completions");
  CHECK(wrong.id == RouteId::kChatCompletions);
  CHECK_FALSE(wrong.method_allowed);
}

TEST_CASE("route table: only the health probes are answered on the I/O thread",
          "[gateway][routes]") {
  using smg::server::is_probe_path;
  CHECK(is_probe_path("/health"));
  CHECK(is_probe_path("/liveness"));
  CHECK(is_probe_path("/readiness"));
  CHECK_FALSE(is_probe_path("/health/"));
  CHECK_FALSE(is_probe_path("/v1/models"));
  CHECK_FALSE(is_probe_path("/metrics"));
}
