// Which class a route belongs to, decided from the path alone so that auth runs
// before any handler sees the request. Unknown paths are kNotFound.
//
//   RouteMatch m = classify_route("POST", "/v1/chat/completions");   // kDataPlane, "chat"
#pragma once

#include <string>
#include <string_view>

namespace smg::server {

// kContent: content-capture maintenance for caller tokens.
enum class RouteClass { kPublic, kDataPlane, kControlPlane, kMetrics, kAdmin, kContent, kNotFound };

// Which body limit a route has: most take small JSON bodies; the data plane takes prompts up
// to --max-payload-size; POST /wasm takes a module.
enum class BodyLimit { kSmall, kPayload, kModule };

struct RouteMatch {
  RouteClass route_class = RouteClass::kNotFound;
  std::string name;           // stable route name for metrics, e.g. "chat_completions", "workers"
  std::string resource;       // the id in the path, e.g. a worker id, or ""
  bool method_allowed = true;  // false: answer 405 with `allow`
  std::string allow;          // allowed methods when !method_allowed
  BodyLimit body_limit = BodyLimit::kSmall;
};

RouteMatch classify_route(std::string_view method, std::string_view path);
const char* route_class_name(RouteClass route_class);

}  // namespace smg::server
