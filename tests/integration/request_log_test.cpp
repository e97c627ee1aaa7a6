// The request log against real processes: traffic from httplib and the official `openai` npm
// client through `smgctl serve` to `smgctl dev-worker` is recorded one row per request, with the
// worker's token usage (from the final SSE chunk for include_usage streams), timings, errors and
// captured bodies, and nothing is lost below the queue bound.
#include <filesystem>

#include "tests/integration/request_log_test_support.h"

using namespace smg::test::reports;
using nlohmann::json;

namespace {

const std::string kChat = R"({"model":"m1","messages":[{"role":"user","content":"log me please"}]})";
const std::string kStream =
    R"({"model":"m1","stream":true,"stream_options":{"include_usage":true},)"
    R"("messages":[{"role":"user","content":"stream me four words"}]})";

// The usage object of the last SSE event that carries one.
json streamed_usage(const std::string& sse) {
  json usage;
  std::istringstream lines(sse);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("data: {", 0) != 0) continue;
    auto event = json::parse(line.substr(6), nullptr, false);
    if (event.is_object() && event.contains("usage") && event["usage"].is_object()) {
      usage = event["usage"];
    }
  }
  return usage;
}

json get_record(httplib::Client& client, const std::string& id) {
  auto detail = json_of(client.Get("/admin/reports/api/request-evidence?request_id=" + id,
                                   as_admin("admin")));
  INFO(detail.dump());
  REQUIRE(detail.contains("request"));
  return detail;
}

}  // namespace

TEST_CASE("request log: every data-plane request is recorded with usage and timings",
          "[requestlog][reports][integration]") {
  ReportsGateway gateway;
  auto client = gateway.client();

  auto chat = client.Post("/v1/chat/completions", token("app", {{"x-request-id", "chat-1"}}), kChat,
                          "application/json");
  REQUIRE(chat);
  REQUIRE(chat->status == 200);
  auto stream = client.Post("/v1/chat/completions", token("app", {{"x-request-id", "stream-1"}}),
                            kStream, "application/json");
  REQUIRE(stream);
  REQUIRE(stream->status == 200);
  json stream_usage = streamed_usage(stream->body);
  REQUIRE(stream_usage.is_object());
  auto missing = client.Post("/v1/chat/completions", token("app", {{"x-request-id", "missing-1"}}),
                             R"({"model":"nope","messages":[]})", "application/json");
  REQUIRE(missing->status == 404);
  REQUIRE(client.Get("/v1/models", token("app"))->status == 200);
  REQUIRE(client.Post("/v1/chat/completions", token("other"), kChat, "application/json")->status == 200);
  REQUIRE(client.Post("/v1/chat/completions", {{"Authorization", "Bearer wrong-token"}}, kChat,
                      "application/json")->status == 401);
  // A refused control-plane call: the security report reads it from the audit ring.
  REQUIRE(client.Get("/workers", {{"Authorization", "Bearer not-a-key"}})->status == 401);
  auto node = smg::test::run_peer("openai-client.mjs",
                                  {gateway.base_url() + "/v1", kTokens.at("app"), "m1"});
  INFO(node.err);
  REQUIRE(node.exit_code == 0);
  json node_out = json::parse(node.out);

  // 6 httplib requests and the npm client's 7 (chat, stream, completion, embeddings, models
  // list, retrieve, a retrieve of a missing model); the gateway's own count is the reference.
  int requests = wait_for_records(client, 6 + 7);

  {  // a buffered chat: usage from the body, worker, statuses, captured bodies
    json detail = get_record(client, "chat-1");
    json record = detail["request"];
    json usage = json::parse(chat->body)["usage"];
    CHECK(record["caller"] == "caller:app");
    CHECK(record["domain"] == "example/prod");
    CHECK(record["auth_method"] == "caller_token");
    CHECK(record["model"] == "m1");
    CHECK(record["worker"] == gateway.fixture().worker(0).url());
    CHECK(record["route"] == "chat_completions");
    CHECK(record["status"] == 200);
    CHECK(record["upstream_status"] == 200);
    CHECK(record["stream"] == false);
    CHECK(record["prompt_tokens"] == usage["prompt_tokens"]);
    CHECK(record["completion_tokens"] == usage["completion_tokens"]);
    CHECK(record["total_tokens"] == usage["total_tokens"]);
    CHECK(record["latency_ms"].get<double>() > 0);
    CHECK(record["ttfb_ms"].get<double>() <= record["latency_ms"].get<double>());
    CHECK(detail["content"]["request_body"] == kChat);
    CHECK(detail["content"]["response_body"] == chat->body);
    CHECK(detail["content"]["response_truncated"] == false);
  }
  {  // an include_usage stream: usage from the final SSE chunk, time to first byte
    json detail = get_record(client, "stream-1");
    json record = detail["request"];
    CHECK(record["stream"] == true);
    CHECK(record["total_tokens"] == stream_usage["total_tokens"]);
    CHECK(record["prompt_tokens"] == stream_usage["prompt_tokens"]);
    CHECK(record["completion_tokens"] == stream_usage["completion_tokens"]);
    CHECK(record["ttfb_ms"].get<double>() <= record["latency_ms"].get<double>());
    CHECK(detail["content"]["response_body"] == stream->body);  // raw SSE, under the cap
  }
  {  // the npm client's stream: the usage it saw is the usage recorded
    auto rows = json_of(client.Get("/admin/reports/api/requests?stream=true&limit=10",
                                   as_admin("admin")))["requests"];
    REQUIRE(rows.size() == 2);  // the httplib stream and the npm one; newest first
    CHECK(rows[0]["total_tokens"] == node_out["chat_stream"]["usage"]["total_tokens"]);
    CHECK(rows[0]["completion_tokens"] == node_out["chat_stream"]["usage"]["completion_tokens"]);
  }
  {  // a failed request: error type, no worker
    json record = get_record(client, "missing-1")["request"];
    CHECK(record["status"] == 404);
    CHECK(record["error_type"] == "model_not_found");
    CHECK(record["upstream_status"] == 0);
    CHECK(record["worker"] == "");
  }
  {  // the summary counts this domain's records and the security report the failure
    json summary = json_of(client.Get("/admin/reports/api/summary?window=1h", as_admin("admin")));
    INFO(summary.dump());
    // Everything but the other domain's request and the unauthenticated one.
    CHECK(summary["summary"]["requests"] == requests - 2);
    CHECK(summary["summary"]["errors"] == 2);  // the 404 model and the client's missing one
    CHECK(summary["by_caller"].size() == 1);
    CHECK(summary["by_caller"][0]["key"] == "caller:app");
    CHECK(summary["by_model"][0]["key"] == "m1");
    CHECK(summary["summary"]["total_tokens"].get<int>() > 0);
    json security = json_of(client.Get("/admin/reports/api/security?window=1h", as_admin("security")));
    INFO(security.dump());
    CHECK(security["auth_failures"]["total"] == 1);
    CHECK(security["auth_failures"]["by_type"][0]["error_type"] == "invalid-token");
    CHECK(security["denied_control_plane"]["audit_enabled"] == true);
    CHECK(security["denied_control_plane"]["unauthenticated"] == 1);
    CHECK(security["denied_control_plane"]["recent"][0]["path"] == "/workers");
  }
}

TEST_CASE("request log: off by config records nothing and reports say so",
          "[requestlog][reports][integration]") {
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("off.yaml"),
                        "server:\n  request_log: { enabled: false }\n  admin_reports: { enabled: true }\n");
  smg::test::GatewayFixture fixture(smg::test::fixture_options(1, {"--config", dir.file("off.yaml")}, {"m1"}));
  REQUIRE(fixture.wait_until_healthy(1));
  auto client = fixture.gateway().client();
  REQUIRE(client.Post("/v1/chat/completions", kChat, "application/json")->status == 200);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("smg_request_log_written_total") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(fixture.gateway().data_dir() + "/data/request_log.db"));
}

TEST_CASE("request log: a client's model string is stored capped (attack probe, finding 8)",
          "[requestlog][reports][integration]") {
  ReportsGateway gateway;
  auto client = gateway.client();
  const std::string huge_model(1 << 20, 'x');  // 1 MiB
  json body = {{"model", huge_model}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
  auto res = client.Post("/v1/chat/completions", token("app", {{"x-request-id", "huge-model-1"}}),
                         body.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 404);       // no worker serves it
  CHECK(res->body.size() < 2048);  // the error names at most 256 bytes of it
  wait_for_records(client, 1);
  json record = get_record(client, "huge-model-1")["request"];
  std::string stored = record["model"];
  CHECK(stored == std::string(256, 'x') + "...[truncated]");
}
