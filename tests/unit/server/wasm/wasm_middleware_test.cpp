#include "server/wasm/wasm_middleware.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/unit/wasm/wasm_test_modules.h"

using namespace smg::server;
using namespace smg::server::wasm;
using nlohmann::json;
using smg::wasm::testing::example_bytes;
using smg::wasm::testing::on_request_wat;
using smg::wasm::testing::wasm_bytes;

namespace {

smg::wasm::Limits test_limits() {
  smg::wasm::Limits limits;
  limits.max_instructions = 2'000'000;
  return limits;
}

struct Fixture {
  ModuleRegistry registry{test_limits()};
  smg::metrics::Registry metrics;
  WasmMiddleware middleware{registry, &metrics};

  std::string add(const std::string& name, std::string bytes, bool on_request, bool on_response,
                  bool fail_closed = false) {
    ModuleSpec spec;
    spec.name = name;
    spec.bytes = std::move(bytes);
    spec.on_request = on_request;
    spec.on_response = on_response;
    spec.fail_closed = fail_closed;
    auto uuid = registry.add(std::move(spec));
    INFO(uuid.status().message());
    REQUIRE(uuid.ok());
    return *uuid;
  }
  uint64_t executions(const std::string& module, const std::string& result) {
    return metrics
        .counter("smg_wasm_executions_total", "", {{"module", module}, {"result", result}})
        .value();
  }
};

Request chat_request(std::string body = R"({"model":"m","max_tokens":5000})") {
  Request request;
  request.method = "POST";
  request.path = "/v1/chat/completions";
  request.headers.emplace("Content-Type", "application/json");
  request.headers.emplace("Authorization", "Bearer sk-secret");
  request.headers.emplace("X-API-Key", "key-secret");
  request.headers.emplace("Cookie", "smg_session=secret");
  request.headers.emplace("Proxy-Authorization", "Basic c2VjcmV0");
  request.body = std::move(body);
  request.request_id = "req-1";
  return request;
}

smg::Principal principal_in(const std::string& domain) {
  smg::Principal principal;
  principal.subject = "jwt:alice@example.com";
  principal.role = smg::Role::kUser;
  principal.domain = domain;
  return principal;
}

Response worker_response(int status = 200) {
  return json_response(status, {{"object", "chat.completion"}});
}

// set_header(name at 0, len, value at 64, len) for each edit, then action 1 (modify).
std::string edits_module(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string data;
  std::string calls;
  int offset = 0;
  for (const auto& [name, value] : headers) {
    data += "(data (i32.const " + std::to_string(offset) + ") \"" + name + "\")";
    data += "(data (i32.const " + std::to_string(offset + 64) + ") \"" + value + "\")";
    calls += "(call $set_header (i32.const " + std::to_string(offset) + ") (i32.const " +
             std::to_string(name.size()) + ") (i32.const " + std::to_string(offset + 64) +
             ") (i32.const " + std::to_string(value.size()) + "))";
    offset += 128;
  }
  return wasm_bytes(on_request_wat(calls + "(i32.const 1)", data));
}

std::string header_of(const Request& request, const std::string& name) {
  return request.header(name).value_or("<absent>");
}

}  // namespace

TEST_CASE("wasm middleware: a module adds response headers", "[wasm]") {
  Fixture f;
  f.add("logging", example_bytes("add_header"), false, true);
  Request request = chat_request();
  Response response = worker_response();
  f.middleware.on_response(request, nullptr, response);
  CHECK(response.header("x-wasm-processed") == "true");
  CHECK(response.header("x-request-id") == "req-1");
  CHECK(response.header("x-wasm-route") == "/v1/chat/completions");
  CHECK(f.executions("logging", "modify") == 1);
}

TEST_CASE("wasm middleware: reject one domain's embeddings with 403 and JSON", "[wasm]") {
  Fixture f;
  f.add("reject", example_bytes("reject_domain"), true, false);
  Request request = chat_request("{}");
  request.path = "/v1/embeddings";
  auto blocked = principal_in("blocked/embeddings");
  auto reply = f.middleware.on_request(request, &blocked);
  REQUIRE(reply.has_value());
  CHECK(reply->status == 403);
  CHECK(reply->content_type == "application/json");
  CHECK(json::parse(reply->body)["error"]["type"] == "forbidden");
  auto other = principal_in("example/prod");
  CHECK_FALSE(f.middleware.on_request(request, &other).has_value());
  CHECK_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(f.executions("reject", "reject") == 1);
  CHECK(f.executions("reject", "continue") == 2);
}

TEST_CASE("wasm middleware: rewrite the request body", "[wasm]") {
  Fixture f;
  f.add("cap", example_bytes("cap_max_tokens"), true, false);
  Request request = chat_request();
  REQUIRE_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(request.body == R"({"model":"m","max_tokens":64})");
  CHECK(header_of(request, "x-max-tokens-capped") == "64");
}

TEST_CASE("wasm middleware: a worker's 500 becomes a 503", "[wasm]") {
  Fixture f;
  f.add("503", example_bytes("status_503"), false, true);
  Request request = chat_request();
  Response response = worker_response(500);
  f.middleware.on_response(request, nullptr, response);
  CHECK(response.status == 503);
  CHECK(response.header("retry-after") == "1");
}

TEST_CASE("wasm middleware: a module never sees or sets a credential", "[wasm][attack]") {
  Fixture f;
  f.add("peek", example_bytes("read_credentials"), true, false);
  Request request = chat_request();
  REQUIRE_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(header_of(request, "x-seen-authorization") == "-1");
  CHECK(header_of(request, "x-seen-api-key") == "-1");
  CHECK(header_of(request, "x-seen-cookie") == "-1");
  CHECK(header_of(request, "x-seen-listed") == "0");
  CHECK(header_of(request, "authorization") == "Bearer sk-secret");  // still there for auth

  Fixture g;
  g.add("forge",
        edits_module({{"authorization", "Bearer forged"},
                      {"content-length", "0"},
                      {"host", "evil.example"},
                      {"x-bad", "a\\0d\\0aX-Smuggled: 1"},
                      {"x-good", "yes"}}),
        true, false);
  Request forged = chat_request();
  REQUIRE_FALSE(g.middleware.on_request(forged, nullptr).has_value());
  CHECK(header_of(forged, "authorization") == "Bearer sk-secret");
  CHECK(header_of(forged, "content-length") == "<absent>");
  CHECK(header_of(forged, "host") == "<absent>");
  CHECK(header_of(forged, "x-bad") == "<absent>");
  CHECK(header_of(forged, "x-good") == "yes");
}

TEST_CASE("wasm middleware: a failing module is skipped, or fails the request when closed",
          "[wasm][attack]") {
  Fixture f;
  f.add("loop", example_bytes("infinite_loop"), true, false);
  f.add("cap", example_bytes("cap_max_tokens"), true, false);
  Request request = chat_request();
  CHECK_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(request.body == R"({"model":"m","max_tokens":64})");  // the next module still ran
  CHECK(f.executions("loop", "budget_exceeded") == 1);
  CHECK(f.registry.to_json()["metrics"]["failed_executions"] == 1);
  CHECK(f.registry.to_json()["metrics"]["successful_executions"] == 1);

  Fixture closed;
  closed.add("oob", example_bytes("out_of_bounds"), true, false, /*fail_closed=*/true);
  Request other = chat_request();
  auto reply = closed.middleware.on_request(other, nullptr);
  REQUIRE(reply.has_value());
  CHECK(reply->status == 500);
  CHECK(json::parse(reply->body)["error"]["type"] == "wasm_middleware_failed");
  CHECK(closed.executions("oob", "trap") == 1);

  Fixture grow;
  grow.add("grow", example_bytes("grow_memory"), true, false);
  Request third = chat_request();
  CHECK_FALSE(grow.middleware.on_request(third, nullptr).has_value());
  CHECK(grow.executions("grow", "trap") == 1);
}

TEST_CASE("wasm middleware: two modules run in order, each sees the previous one's edits",
          "[wasm]") {
  Fixture f;
  f.add("first", edits_module({{"x-step", "one"}}), true, false);
  // The second copies x-step into x-copied.
  f.add("second",
        wasm_bytes(on_request_wat(R"(
      (call $set_header (i32.const 0) (i32.const 8) (i32.const 64)
          (call $header_get (i32.const 16) (i32.const 6) (i32.const 64) (i32.const 32)))
      (i32.const 1))",
                                  R"((data (i32.const 0) "x-copied")
                                               (data (i32.const 16) "x-step"))")),
        true, false);
  Request request = chat_request();
  REQUIRE_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(header_of(request, "x-copied") == "one");
}

TEST_CASE("wasm middleware: a removed module stops at once", "[wasm]") {
  Fixture f;
  std::string uuid = f.add("logging", example_bytes("add_header"), false, true);
  REQUIRE(f.registry.remove(uuid).ok());
  Request request = chat_request();
  Response response = worker_response();
  f.middleware.on_response(request, nullptr, response);
  CHECK_FALSE(response.header("x-wasm-processed").has_value());
  CHECK(f.executions("logging", "modify") == 0);
}

TEST_CASE("wasm middleware: streams and module-less exchanges are left alone", "[wasm]") {
  Fixture f;
  Request request = chat_request();
  Request before = request;
  CHECK_FALSE(f.middleware.on_request(request, nullptr).has_value());
  CHECK(request.body == before.body);
  CHECK(request.headers == before.headers);
  f.add("logging", example_bytes("add_header"), false, true);
  Response sse = text_response(200, "data: x\n\n", "text/event-stream");
  f.middleware.on_response(request, nullptr, sse);
  CHECK_FALSE(sse.header("x-wasm-processed").has_value());
  Response streamed = worker_response();
  streamed.stream = [](StreamSink&) { return true; };
  f.middleware.on_response(request, nullptr, streamed);
  CHECK_FALSE(streamed.header("x-wasm-processed").has_value());
  CHECK(f.middleware.has_modules(smg::wasm::EntryPoint::kOnResponse));
  CHECK_FALSE(f.middleware.has_modules(smg::wasm::EntryPoint::kOnRequest));
}

TEST_CASE("wasm middleware: a body over the limit is refused when modules would see it", "[wasm]") {
  smg::wasm::Limits limits = test_limits();
  limits.max_body_bytes = 16;
  ModuleRegistry registry(limits);
  ModuleSpec spec;
  spec.name = "cap";
  spec.bytes = example_bytes("cap_max_tokens");
  spec.on_request = true;
  REQUIRE(registry.add(spec).ok());
  WasmMiddleware middleware(registry);
  Request request = chat_request(std::string(17, ' '));
  auto reply = middleware.on_request(request, nullptr);
  REQUIRE(reply.has_value());
  CHECK(reply->status == 400);
}

TEST_CASE("wasm middleware: 50 concurrent requests through a module", "[wasm]") {
  Fixture f;
  f.add("cap", example_bytes("cap_max_tokens"), true, false);
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      Request request = chat_request(R"({"n":)" + std::to_string(i) + R"(,"max_tokens":999})");
      if (!f.middleware.on_request(request, nullptr) &&
          request.body == R"({"n":)" + std::to_string(i) + R"(,"max_tokens":64})") {
        ++correct;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(correct == 50);
  CHECK(f.executions("cap", "modify") == 50);
  CHECK(f.registry.to_json()["modules"][0]["module_meta"]["access_count"] == 50);
}
