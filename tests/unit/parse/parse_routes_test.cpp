// /parse/function_call and /parse/reasoning with SMG's shapes and errors, called directly
// (after model_gateway/tests/api/parser_endpoints_test.rs).
#include "server/parse/parse_routes.h"

#include <catch2/catch.hpp>

using namespace smg::server;
using nlohmann::json;

namespace {

Response post(const std::string& path, const std::string& body,
              const std::string& content_type = "application/json") {
  Request request;
  request.method = "POST";
  request.path = path;
  request.body = body;
  if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
  REQUIRE(ParseRoutes::owns(path));
  return ParseRoutes().handle(request);
}

json body_of(const Response& response) { return json::parse(response.body); }

const char* kWeatherTools =
    R"([{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
        "properties":{"city":{"type":"string"},"days":{"type":"integer"}}}}}])";

}  // namespace

TEST_CASE("parse routes: function_call extracts calls in SMG's shape", "[parse_routes]") {
  json request = {{"text", "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", "
                           "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"},
                  {"tool_call_parser", "qwen"},
                  {"tools", json::parse(kWeatherTools)}};
  auto response = post("/parse/function_call", request.dump());
  REQUIRE(response.status == 200);
  CHECK(response.body.find("{\"remaining_text\":") == 0);  // SMG's field order
  auto body = body_of(response);
  CHECK(body["success"] == true);
  CHECK(body["remaining_text"] == "Let me check.\n");
  REQUIRE(body["tool_calls"].size() == 1);
  CHECK(body["tool_calls"][0] ==
        json{{"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}});
}

TEST_CASE("parse routes: XML values are coerced by the tool's schema", "[parse_routes]") {
  json request = {{"text", "<tool_call>\n<function=get_weather>\n<parameter=city>123</parameter>"
                           "\n<parameter=days>3</parameter>\n</function>\n</tool_call>"},
                  {"tool_call_parser", "qwen_xml"},
                  {"tools", json::parse(kWeatherTools)}};
  auto body = body_of(post("/parse/function_call", request.dump()));
  auto arguments = json::parse(body["tool_calls"][0]["function"]["arguments"].get<std::string>());
  CHECK(arguments == json{{"city", "123"}, {"days", 3}});
}

TEST_CASE("parse routes: empty text and no calls are a success", "[parse_routes]") {
  auto body = body_of(post("/parse/function_call",
                           R"({"text":"","tool_call_parser":"json","tools":[]})"));
  CHECK(body == json{{"remaining_text", ""}, {"tool_calls", json::array()}, {"success", true}});
  body = body_of(post("/parse/reasoning", R"({"text":"","reasoning_parser":"qwen3"})"));
  CHECK(body == json{{"normal_text", ""}, {"reasoning_text", ""}, {"success", true}});
}

TEST_CASE("parse routes: reasoning splits thinking from the answer", "[parse_routes]") {
  auto response = post("/parse/reasoning",
                       R"({"text":"<think>Let me think</think>The answer is 42",
                           "reasoning_parser":"step3"})");
  REQUIRE(response.status == 200);
  CHECK(response.body.find("{\"normal_text\":") == 0);
  CHECK(body_of(response) == json{{"normal_text", "The answer is 42"},
                                  {"reasoning_text", "Let me think"},
                                  {"success", true}});
}

TEST_CASE("parse routes: unknown parsers are 400 with success false", "[parse_routes]") {
  auto response = post("/parse/function_call",
                       R"({"text":"x","tool_call_parser":"hermes","tools":[]})");
  CHECK(response.status == 400);
  CHECK(body_of(response) == json{{"error", "Unknown tool parser: hermes"}, {"success", false}});
  response = post("/parse/reasoning", R"({"text":"x","reasoning_parser":"deepseek-r1"})");
  CHECK(response.status == 400);
  CHECK(body_of(response) ==
        json{{"error", "Unknown reasoning parser: deepseek-r1"}, {"success", false}});
}

TEST_CASE("parse routes: missing or mistyped fields are 422", "[parse_routes]") {
  auto missing = [](const std::string& path, const std::string& body) {
    auto response = post(path, body);
    CHECK(response.status == 422);
    CHECK(response.content_type.rfind("text/plain", 0) == 0);
    return response.body;
  };
  CHECK(missing("/parse/function_call", R"({"tool_call_parser":"json","tools":[]})")
            .find("missing field `text`") != std::string::npos);
  CHECK(missing("/parse/function_call", R"({"text":"x","tools":[]})")
            .find("missing field `tool_call_parser`") != std::string::npos);
  CHECK(missing("/parse/function_call", R"({"text":"x","tool_call_parser":"json"})")
            .find("missing field `tools`") != std::string::npos);
  CHECK(missing("/parse/reasoning", R"({"text":"x"})").find("missing field `reasoning_parser`") !=
        std::string::npos);
  missing("/parse/reasoning", R"({"text":1,"reasoning_parser":"qwen3"})");
  missing("/parse/function_call", R"({"text":"x","tool_call_parser":"json","tools":[{}]})");
  missing("/parse/function_call",
          R"({"text":"x","tool_call_parser":"json","tools":[{"type":"function","function":{}}]})");
  missing("/parse/function_call", R"([])");
}

TEST_CASE("parse routes: bad bodies and methods", "[parse_routes][attack]") {
  CHECK(post("/parse/reasoning", "{not json").status == 400);
  CHECK(post("/parse/reasoning", R"({"text":"x","reasoning_parser":"qwen3"})", "").status == 415);
  CHECK(post("/parse/reasoning", R"({"text":"x","reasoning_parser":"qwen3"})", "text/plain")
            .status == 415);
  CHECK(post("/parse/reasoning", R"({"text":"x","reasoning_parser":"qwen3"})",
             "application/json; charset=utf-8")
            .status == 200);
  Request get;
  get.method = "GET";
  get.path = "/parse/reasoning";
  auto response = ParseRoutes().handle(get);
  CHECK(response.status == 405);
  CHECK(response.header("Allow") == "POST");
  CHECK_FALSE(ParseRoutes::owns("/parse/other"));
}

TEST_CASE("parse routes: reasoning text over 4 MiB is SMG's buffer overflow",
          "[parse_routes][attack]") {
  json request = {{"text", std::string(4 * 1024 * 1024 + 1, 'a')}, {"reasoning_parser", "qwen3"}};
  auto response = post("/parse/reasoning", request.dump());
  CHECK(response.status == 400);
  auto body = body_of(response);
  CHECK(body["success"] == false);
  CHECK(body["error"] == "Failed to separate reasoning: Buffer overflow: 4194305 bytes exceeds "
                         "maximum");
}
