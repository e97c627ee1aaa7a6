// `smgctl dev-worker` as a real process, driven by the official openai npm client.
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "server/devworker/dev_stats.h"
#include "tests/support/background_process.h"
#include "tests/support/peers.h"

using nlohmann::json;
using smg::test::BackgroundProcess;

namespace {

constexpr auto kStartDeadline = std::chrono::seconds(10);

int wait_for_port(BackgroundProcess& worker) {
  auto line = worker.wait_for_line("dev-worker listening on http://", kStartDeadline);
  INFO("stderr: " << worker.err());
  REQUIRE(line);
  int port = smg::test::trailing_port(*line);
  REQUIRE(port > 0);
  return port;
}

}  // namespace

TEST_CASE("devworker: smgctl dev-worker serves the official openai client", "[devworker][peer]") {
  BackgroundProcess worker({SMGCTL_PATH, "dev-worker", "--port", "0", "--model", "m-a", "--model",
                            "m-b", "--api-key-env", "DEVWORKER_TEST_KEY", "--chunk-delay-ms", "5"},
                           {{"DEVWORKER_TEST_KEY", "sk-dev-123"}});
  int port = wait_for_port(worker);
  std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v1";

  auto run = smg::test::run_peer("openai-client.mjs", {base, "sk-dev-123", "m-b"});
  INFO("peer stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  auto out = json::parse(run.out);
  CHECK(out["chat"]["object"] == "chat.completion");
  CHECK(out["chat"]["model"] == "m-b");
  CHECK(out["chat"]["content"] == "echo: hello from node");
  CHECK(out["chat"]["usage"]["prompt_tokens"] == 5);
  CHECK(out["chat"]["usage"]["completion_tokens"] == 4);
  CHECK(out["chat_stream"]["text"] == "echo: stream these four words");
  CHECK(out["chat_stream"]["chunks"] == 7);  // 5 words, finish, usage
  CHECK(out["chat_stream"]["finish_reason"] == "stop");
  CHECK(out["chat_stream"]["usage"]["completion_tokens"] == 5);
  CHECK(out["completion"]["text"] == "echo: say it");
  CHECK(out["completion"]["finish_reason"] == "length");
  CHECK(out["embeddings"]["count"] == 2);
  CHECK(out["embeddings"]["dimension"] == 16);
  CHECK(std::abs(out["embeddings"]["norm"].get<double>() - 1.0) < 1e-5);
  CHECK(out["models"]["ids"] == json{"m-a", "m-b"});
  CHECK(out["models"]["retrieved"] == json{{"id", "m-b"}, {"object", "model"}});
  CHECK(out["models"]["missing"] == json{{"status", 404}, {"code", "model_not_found"}});

  httplib::Client client("127.0.0.1", port);
  CHECK(client.Get("/dev/stats")->status == 401);  // the worker's key is needed
  auto stats =
      json::parse(client.Get("/dev/stats", {{"Authorization", "Bearer sk-dev-123"}})->body);
  CHECK(stats["last_authorization"] == smg::devworker::credential_digest("Bearer sk-dev-123"));
  CHECK(stats.dump().find("sk-dev-123") == std::string::npos);
  CHECK(stats["streams_completed"] == 1);

  SECTION("a wrong key fails the client") {
    auto denied = smg::test::run_peer("openai-client.mjs", {base, "wrong", "m-b"});
    CHECK(denied.exit_code == 1);
    CHECK(denied.err.find("401") != std::string::npos);
  }
  SECTION("SIGINT stops it cleanly") { CHECK(worker.stop(SIGINT) == 0); }
}

TEST_CASE("devworker: smgctl dev-worker on a busy port fails with one line", "[devworker]") {
  BackgroundProcess first({SMGCTL_PATH, "dev-worker", "--port", "0"});
  int port = wait_for_port(first);
  auto second = smg::test::run_smgctl({"dev-worker", "--port", std::to_string(port)});
  CHECK(second.exit_code == 1);
  CHECK(second.out.empty());
  CHECK(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(port) +
                         ": Address already in use (another smgctl serve? try --port 0)") !=
        std::string::npos);
  CHECK(std::count(second.err.begin(), second.err.end(), '\n') == 1);
  // smgctl serve on the same port: the same line and the same exit code.
  auto serve = smg::test::run_smgctl({"serve", "--port", std::to_string(port), "--data-dir",
                                      smg::test::TempDir().path()});
  CHECK(serve.exit_code == 1);
  CHECK(serve.err.find("Address already in use (another smgctl serve? try --port 0)") !=
        std::string::npos);
  CHECK(first.stop(SIGTERM) == 0);
}

TEST_CASE("devworker: smgctl dev-worker refuses a missing --api-key-env variable", "[devworker]") {
  auto run =
      smg::test::run_smgctl({"dev-worker", "--port", "0", "--api-key-env", "NO_SUCH_VAR_X1"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("NO_SUCH_VAR_X1") != std::string::npos);
}
