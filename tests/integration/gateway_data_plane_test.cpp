// `smgctl serve` in front of real `smgctl dev-worker` processes: the data plane end to end
//: the official openai client, credential rewriting, request ids, stream
// aborts, round-robin, routing around a dead worker, and the documented error answers.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/devworker/dev_stats.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"

using nlohmann::json;
using smg::test::bearer;
using smg::test::chat_body;
using smg::test::GatewayFixture;
using smg::test::json_body;
using smg::test::poll_until;

namespace {

constexpr const char* kModel = "gw-model";
constexpr const char* kUserKey = "sk-gwtest-user-5b1e0c7d";
constexpr const char* kSharedKey = "sk-gwtest-shared-9a4f21e6";

// One worker that demands kSharedKey; a gateway with --api-key kSharedKey and a user key.
smg::test::GatewayFixtureOptions keyed_setup() {
  smg::test::GatewayFixtureOptions options;
  options.models = {kModel};
  options.worker_args = {"--api-key-env", "GWTEST_WORKER_KEY"};
  options.worker_env = {{"GWTEST_WORKER_KEY", kSharedKey}};
  options.gateway_args = {"--api-key", kSharedKey, "--control-plane-api-keys",
                          std::string("u1:User:user:") + kUserKey};
  return options;
}

void check_openai_client(const std::string& base_url, const std::string& key) {
  auto run = smg::test::run_peer("openai-client.mjs", {base_url + "/v1", key, kModel});
  INFO("peer stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  auto out = json::parse(run.out);
  CHECK(out["chat"]["object"] == "chat.completion");
  CHECK(out["chat"]["model"] == kModel);
  CHECK(out["chat"]["content"] == "echo: hello from node");
  CHECK(out["chat"]["finish_reason"] == "stop");
  CHECK(out["chat_stream"]["text"] == "echo: stream these four words");
  CHECK(out["chat_stream"]["chunks"] == 7);  // 5 words, finish, usage
  CHECK(out["chat_stream"]["finish_reason"] == "stop");
  CHECK(out["completion"]["text"] == "echo: say it");
  CHECK(out["embeddings"]["count"] == 2);
  CHECK(out["embeddings"]["dimension"] == 16);
  CHECK(out["models"]["ids"] == json{kModel});
  CHECK(out["models"]["retrieved"] == json{{"id", kModel}, {"object", "model"}});
  CHECK(out["models"]["missing"] == json{{"status", 404}, {"code", "model_not_found"}});
}

}  // namespace

TEST_CASE("gateway: the official openai client works through the gateway", "[gateway][peer]") {
  GatewayFixture fx(keyed_setup());
  REQUIRE(fx.wait_until_healthy(1));

  SECTION("with a control-plane user key") {
    check_openai_client(fx.gateway().base_url(), kUserKey);
  }
  SECTION("with the shared --api-key") {
    check_openai_client(fx.gateway().base_url(), kSharedKey);
  }
  SECTION("not with a wrong key") {
    auto run = smg::test::run_peer("openai-client.mjs",
                                   {fx.gateway().base_url() + "/v1", "sk-wrong", kModel});
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("401") != std::string::npos);
  }
}

TEST_CASE("gateway: the worker sees its own key and never the caller key", "[gateway]") {
  GatewayFixture fx(keyed_setup());
  REQUIRE(fx.wait_until_healthy(1));
  auto client = fx.gateway().client();

  auto res = client.Post("/v1/chat/completions", bearer(kUserKey), chat_body(kModel, "who am i"),
                         "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(json_body(res)["choices"][0]["message"]["content"] == "echo: who am i");

  auto stats = fx.worker(0).stats();
  CHECK(stats["last_authorization"] ==
        smg::devworker::credential_digest(std::string("Bearer ") + kSharedKey));
  for (const auto& [name, value] : stats["last_headers"].items()) {
    INFO("header " << name);
    // The worker shows credentials as digests: neither the key nor its digest may be there.
    CHECK(value.get<std::string>().find(kUserKey) == std::string::npos);
    CHECK(value != smg::devworker::credential_digest(std::string("Bearer ") + kUserKey));
  }

  SECTION("also for an X-API-Key caller credential") {
    auto keyed = client.Post("/v1/chat/completions", {{"X-API-Key", kUserKey}},
                             chat_body(kModel, "via header"), "application/json");
    REQUIRE(keyed);
    CHECK(keyed->status == 200);
    auto after = fx.worker(0).stats();
    CHECK(after["last_authorization"] ==
          smg::devworker::credential_digest(std::string("Bearer ") + kSharedKey));
    CHECK(!after["last_headers"].contains("x-api-key"));
  }
  SECTION("a caller's x-request-id reaches the worker and comes back") {
    auto traced = client.Post("/v1/chat/completions",
                              bearer(kUserKey, {{"x-request-id", "gwtest-trace-42"}}),
                              chat_body(kModel, "trace me"), "application/json");
    REQUIRE(traced);
    CHECK(traced->status == 200);
    CHECK(traced->get_header_value("x-request-id") == "gwtest-trace-42");
    CHECK(fx.worker(0).stats()["last_headers"]["x-request-id"] == "gwtest-trace-42");
  }
  SECTION("a request id is generated when the caller sends none") {
    auto generated = client.Post("/v1/chat/completions", bearer(kUserKey),
                                 chat_body(kModel, "no id"), "application/json");
    REQUIRE(generated);
    CHECK(generated->status == 200);
    std::string id = generated->get_header_value("x-request-id");
    CHECK(!id.empty());
    CHECK(fx.worker(0).stats()["last_headers"]["x-request-id"] == id);
    auto second = client.Post("/v1/chat/completions", bearer(kUserKey),
                              chat_body(kModel, "no id"), "application/json");
    REQUIRE(second);
    CHECK(second->get_header_value("x-request-id") != id);
  }
}

TEST_CASE("gateway: a client leaving mid-stream stops the worker stream", "[gateway]") {
  GatewayFixture fx(smg::test::fixture_options(1, {}, {kModel}));
  REQUIRE(fx.wait_until_healthy(1));
  REQUIRE(fx.worker(0).stats()["streams_aborted"] == 0);

  httplib::Request request;
  request.method = "POST";
  request.path = "/v1/chat/completions";
  request.body = chat_body(kModel, "a very long answer", true);
  request.set_header("Content-Type", "application/json");
  request.set_header("x-dev-chunks", "1000");
  request.set_header("x-dev-delay-ms", "20");
  int events = 0;
  request.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    std::string chunk(data, size);
    for (auto at = chunk.find("data:"); at != std::string::npos; at = chunk.find("data:", at + 1)) {
      ++events;
    }
    return events < 3;  // false closes the connection
  };
  auto client = fx.gateway().client();
  auto res = client.send(request);
  CHECK(!res);  // cancelled by the receiver
  CHECK(events >= 3);

  bool aborted = poll_until([&] { return fx.worker(0).stats()["streams_aborted"] == 1; },
                            std::chrono::seconds(5));
  auto stats = fx.worker(0).stats();
  INFO("worker stats: " << stats.dump());
  CHECK(aborted);
  CHECK(stats["active_streams"] == 0);
  CHECK(stats["streams_completed"] == 0);
}

TEST_CASE("gateway: round_robin shares traffic evenly between two workers", "[gateway]") {
  GatewayFixture fx(smg::test::fixture_options(2, {"--policy", "round_robin"}, {kModel}));
  REQUIRE(fx.wait_until_healthy(2));
  // Model discovery (GET /v1/models) counts as a data-plane request on the worker: use deltas.
  auto before0 = fx.worker(0).stats()["requests"].get<int>();
  auto before1 = fx.worker(1).stats()["requests"].get<int>();
  auto client = fx.gateway().client();
  for (int i = 0; i < 20; ++i) {
    auto res = client.Post("/v1/chat/completions", chat_body(kModel, "ping " + std::to_string(i)),
                           "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
  }
  // Strict alternation over a fixed set of two ready workers: exactly 10 each, no slack needed.
  CHECK(fx.worker(0).stats()["requests"].get<int>() - before0 == 10);
  CHECK(fx.worker(1).stats()["requests"].get<int>() - before1 == 10);
}

TEST_CASE("gateway: a killed worker is routed around and taken back when it returns",
          "[gateway]") {
  GatewayFixture fx(smg::test::fixture_options(
      2,
      {"--policy", "round_robin", "--health-check-interval-secs", "1",
       "--health-failure-threshold", "1", "--health-success-threshold", "1"},
      {kModel}));
  REQUIRE(fx.wait_until_healthy(2));
  auto client = fx.gateway().client();
  auto send = [&](const std::string& text) {
    auto res = client.Post("/v1/chat/completions", chat_body(kModel, text), "application/json");
    return res ? res->status : -1;
  };

  fx.worker(1).kill();
  // Before the health check notices, connect failures are retried on the other worker.
  for (int i = 0; i < 10; ++i) {
    CHECK(send("while down " + std::to_string(i)) == 200);
  }
  REQUIRE(fx.wait_until_healthy(1));
  for (int i = 0; i < 4; ++i) {
    CHECK(send("after the check " + std::to_string(i)) == 200);
  }

  fx.worker(1).restart();
  std::string url = fx.worker(1).url();
  bool ready = poll_until(
      [&] {
        auto listed = json_body(client.Get("/workers"));
        for (const auto& worker : listed["workers"]) {
          if (worker["url"] == url && worker["status"] == "ready") return true;
        }
        return false;
      },
      std::chrono::seconds(15));
  INFO("workers: " << client.Get("/workers")->body);
  CHECK(ready);
  bool back = poll_until(
      [&] {
        CHECK(send("welcome back") == 200);
        return fx.worker(1).stats()["requests"].get<int>() > 0;
      },
      std::chrono::seconds(10));
  CHECK(back);
}

TEST_CASE("gateway: no workers or unknown models or bad bodies get the documented errors",
          "[gateway]") {
  SECTION("no workers: 503 no_available_workers, readiness 503") {
    smg::test::GatewayProcess gateway({});
    auto client = gateway.client();
    auto res = client.Post("/v1/chat/completions", chat_body(kModel, "anyone?"), "application/json");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(json_body(res)["error"]["code"] == "no_available_workers");
    auto readiness = client.Get("/readiness");
    REQUIRE(readiness);
    CHECK(readiness->status == 503);
    CHECK(json_body(readiness)["healthy_workers"] == 0);
    CHECK(json_body(readiness)["total_workers"] == 0);
  }
  SECTION("with a worker") {
    GatewayFixture fx(smg::test::fixture_options(1, {}, {kModel}));
    REQUIRE(fx.wait_until_healthy(1));
    auto client = fx.gateway().client();
    auto unknown = client.Post("/v1/chat/completions", chat_body("no-such-model", "hi"),
                               "application/json");
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    CHECK(json_body(unknown)["error"]["code"] == "model_not_found");
    auto bad = client.Post("/v1/chat/completions", "this is not json", "application/json");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(json_body(bad)["error"]["type"] == "invalid_request_error");
    CHECK(fx.worker(0).stats()["requests"] == 1);  // only model discovery reached it
  }
}
