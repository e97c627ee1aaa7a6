#include "server/parse/parse_routes.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/parsers/reasoning_parser.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::server {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kFunctionCallPath = "/parse/function_call";
constexpr std::string_view kReasoningPath = "/parse/reasoning";

Response ordered_json_response(int status, const OrderedJson& body) {
  return text_response(status, body.dump(-1, ' ', false, OrderedJson::error_handler_t::replace),
                       "application/json");
}

Response failure(const std::string& message) {
  return ordered_json_response(400, OrderedJson{{"error", message}, {"success", false}});
}

Response rejection(int status, const std::string& message) {
  return text_response(status, message, "text/plain; charset=utf-8");
}

// axum's Json extractor accepts application/json and any application/*+json.
bool is_json_content_type(const Request& request) {
  auto value = request.header("content-type");
  if (!value) return false;
  std::string mime = value->substr(0, value->find(';'));
  mime.erase(std::remove_if(mime.begin(), mime.end(),
                            [](unsigned char c) { return std::isspace(c) != 0; }),
             mime.end());
  std::transform(mime.begin(), mime.end(), mime.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (mime == "application/json") return true;
  return mime.rfind("application/", 0) == 0 && mime.size() > 5 &&
         mime.compare(mime.size() - 5, 5, "+json") == 0;
}

// The body as a JSON object, or the response axum would give instead.
std::optional<Response> read_body(const Request& request, nlohmann::json* body) {
  if (!is_json_content_type(request)) {
    return rejection(415, "Expected request with `Content-Type: application/json`");
  }
  *body = nlohmann::json::parse(request.body, nullptr, false);
  if (body->is_discarded()) {
    return rejection(400, "Failed to parse the request body as JSON");
  }
  if (!body->is_object()) {
    return rejection(422, "Failed to deserialize the JSON body into the target type: "
                          "invalid type: expected a map");
  }
  return std::nullopt;
}

std::optional<Response> require_string(const nlohmann::json& body, const char* field) {
  auto found = body.find(field);
  if (found == body.end()) {
    return rejection(422, std::string("Failed to deserialize the JSON body into the target "
                                      "type: missing field `") + field + "`");
  }
  if (!found->is_string()) {
    return rejection(422, std::string("Failed to deserialize the JSON body into the target "
                                      "type: ") + field + ": invalid type, expected a string");
  }
  return std::nullopt;
}

// SMG's Tool: {"type": string, "function": {"name": string, "description"?: string|null,
// "parameters"?: any, "strict"?: bool|null}}.
std::optional<Response> check_tools(const nlohmann::json& body) {
  auto tools = body.find("tools");
  auto bad = [](const std::string& why) {
    return rejection(422, "Failed to deserialize the JSON body into the target type: tools: " +
                              why);
  };
  if (tools == body.end()) {
    return rejection(422, "Failed to deserialize the JSON body into the target type: "
                          "missing field `tools`");
  }
  if (!tools->is_array()) return bad("invalid type, expected a sequence");
  for (const auto& tool : *tools) {
    if (!tool.is_object()) return bad("invalid type, expected struct Tool");
    if (!tool.contains("type")) return bad("missing field `type`");
    if (!tool["type"].is_string()) return bad("type: invalid type, expected a string");
    if (!tool.contains("function")) return bad("missing field `function`");
    const auto& function = tool["function"];
    if (!function.is_object()) return bad("function: invalid type, expected struct Function");
    if (!function.contains("name")) return bad("function: missing field `name`");
    if (!function["name"].is_string()) return bad("name: invalid type, expected a string");
    if (function.contains("description") && !function["description"].is_string() &&
        !function["description"].is_null()) {
      return bad("description: invalid type, expected a string");
    }
    if (function.contains("strict") && !function["strict"].is_boolean() &&
        !function["strict"].is_null()) {
      return bad("strict: invalid type, expected a boolean");
    }
  }
  return std::nullopt;
}

}  // namespace

bool ParseRoutes::owns(std::string_view path) {
  return path == kFunctionCallPath || path == kReasoningPath;
}

Response ParseRoutes::handle(const Request& request) const {
  if (request.method != "POST") {
    Response response = text_response(405, "", "text/plain; charset=utf-8");
    response.set_header("Allow", "POST");
    return response;
  }
  return request.path == kFunctionCallPath ? function_call(request) : reasoning(request);
}

Response ParseRoutes::function_call(const Request& request) const {
  nlohmann::json body;
  if (auto rejected = read_body(request, &body)) return *rejected;
  if (auto rejected = require_string(body, "text")) return *rejected;
  if (auto rejected = require_string(body, "tool_call_parser")) return *rejected;
  if (auto rejected = check_tools(body)) return *rejected;
  std::string name = body["tool_call_parser"].get<std::string>();
  auto format = parsers::make_tool_call_format(name);
  if (format == nullptr) return failure("Unknown tool parser: " + name);
  auto tools = parsers::tool_specs_from_json(body["tools"]);
  if (!tools.ok()) return failure("Failed to parse function calls: " + tools.status().message());
  auto result = format->parse(body["text"].get<std::string>(), *tools);
  OrderedJson calls = OrderedJson::array();
  for (const auto& call : result.calls) {
    calls.push_back({{"function", {{"name", call.name}, {"arguments", call.arguments}}}});
  }
  return ordered_json_response(200, OrderedJson{{"remaining_text", result.remaining_text},
                                                {"tool_calls", std::move(calls)},
                                                {"success", true}});
}

Response ParseRoutes::reasoning(const Request& request) const {
  nlohmann::json body;
  if (auto rejected = read_body(request, &body)) return *rejected;
  if (auto rejected = require_string(body, "text")) return *rejected;
  if (auto rejected = require_string(body, "reasoning_parser")) return *rejected;
  std::string name = body["reasoning_parser"].get<std::string>();
  auto format = parsers::make_reasoning_format(name);
  if (format == nullptr) return failure("Unknown reasoning parser: " + name);
  auto result = format->parse(body["text"].get<std::string>());
  if (!result.ok()) return failure("Failed to separate reasoning: " + result.status().message());
  return ordered_json_response(200, OrderedJson{{"normal_text", result->normal_text},
                                                {"reasoning_text", result->reasoning_text},
                                                {"success", true}});
}

}  // namespace smg::server
