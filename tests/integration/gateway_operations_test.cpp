// `smgctl serve` operated as a real process: worker management through the
// control plane, admission limits, the audit trail and its sinks, secrets kept out of every
// output, and start-up config errors.
#include <httplib.h>
#include <sys/stat.h>
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "server/devworker/dev_stats.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"

using nlohmann::json;
using smg::test::bearer;
using smg::test::chat_body;
using smg::test::GatewayFixture;
using smg::test::json_body;
using smg::test::lines_containing;
using smg::test::poll_until;

namespace {

constexpr const char* kModel = "ops-model";
constexpr const char* kAdminKey = "sk-gwtest-admin-3c8e5f10";
constexpr const char* kUserKey = "sk-gwtest-opsuser-7d2a4b96";
constexpr const char* kSharedKey = "sk-gwtest-opsshared-1e9b7c35";
constexpr const char* kTenantKey = "sk-gwtest-tenant-6f0d2a8e";
constexpr const char* kWorkerKey = "sk-gwtest-worker-4a7c1e52";

std::vector<std::string> admin_and_user_keys() {
  return {"--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey,
          std::string("u1:User:user:") + kUserKey};
}

bool is_uuid(const std::string& text) {
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  return std::regex_match(text, uuid);
}

std::string worker_status(httplib::Client& client, const std::string& id) {
  auto body = json_body(client.Get("/workers", bearer(kAdminKey)));
  for (const auto& worker : body.value("workers", json::array())) {
    if (worker["id"] == id) return worker["status"].get<std::string>();
  }
  return "";
}

// The JSON object on a log line (stderr lines may carry a prefix before the object).
json json_on_line(const std::string& line) {
  auto brace = line.find('{');
  return brace == std::string::npos ? json(nullptr)
                                    : json::parse(line.substr(brace), nullptr, false);
}

}  // namespace

TEST_CASE("gateway: workers are managed through the control plane", "[gateway][workers]") {
  auto args = admin_and_user_keys();
  args.insert(args.end(), {"--health-check-interval-secs", "1"});
  auto options = smg::test::fixture_options(1, args, {kModel});
  options.workers_on_command_line = false;
  GatewayFixture fx(options);
  auto client = fx.gateway().client();
  std::string url = fx.worker(0).url();
  // Down first, so the new worker is observably pending (3 failed probes make it failed).
  fx.worker(0).kill();

  auto added = client.Post("/workers", bearer(kAdminKey), json{{"url", url}}.dump(),
                           "application/json");
  REQUIRE(added);
  REQUIRE(added->status == 202);
  auto body = json_body(added);
  std::string id = body["worker_id"];
  CHECK(is_uuid(id));
  CHECK(body["status"] == "accepted");
  CHECK(body["url"] == url);
  CHECK(added->get_header_value("Location") == "/workers/" + id);
  CHECK(worker_status(client, id) == "pending");

  fx.worker(0).restart();
  CHECK(poll_until([&] { return worker_status(client, id) == "ready"; }, std::chrono::seconds(15)));
  int before = fx.worker(0).stats()["requests"];
  auto chat = client.Post("/v1/chat/completions", bearer(kUserKey), chat_body(kModel, "via api"),
                          "application/json");
  REQUIRE(chat);
  CHECK(chat->status == 200);
  CHECK(fx.worker(0).stats()["requests"].get<int>() == before + 1);

  SECTION("PATCH merges, PUT replaces") {
    auto patched = client.Patch("/workers/" + id, bearer(kAdminKey),
                                R"({"priority": 7, "labels": {"zone": "a"}})", "application/json");
    REQUIRE(patched);
    CHECK(patched->status == 200);
    CHECK(json_body(patched)["priority"] == 7);
    CHECK(json_body(patched)["labels"]["zone"] == "a");
    auto put = client.Put("/workers/" + id, bearer(kAdminKey), R"({"priority": 3})",
                          "application/json");
    REQUIRE(put);
    CHECK(put->status == 200);
    auto shown = json_body(client.Get("/workers/" + id, bearer(kAdminKey)));
    CHECK(shown["priority"] == 3);
    CHECK(shown["url"] == url);
  }
  SECTION("errors: duplicate, bad URL, bad id, unknown id, user role") {
    auto duplicate = client.Post("/workers", bearer(kAdminKey), json{{"url", url}}.dump(),
                                 "application/json");
    REQUIRE(duplicate);
    CHECK(duplicate->status == 409);
    CHECK(json_body(duplicate)["error"]["code"] == "WORKER_ALREADY_EXISTS");
    auto bad_url = client.Post("/workers", bearer(kAdminKey), R"({"url": "not a url"})",
                               "application/json");
    REQUIRE(bad_url);
    CHECK(bad_url->status == 400);
    auto bad_id = client.Get("/workers/not-a-uuid", bearer(kAdminKey));
    REQUIRE(bad_id);
    CHECK(bad_id->status == 400);
    auto unknown = client.Get("/workers/00000000-0000-4000-8000-000000000000", bearer(kAdminKey));
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    CHECK(json_body(unknown)["error"]["code"] == "WORKER_NOT_FOUND");
    auto user = client.Get("/workers", bearer(kUserKey));
    REQUIRE(user);
    CHECK(user->status == 403);
  }
  SECTION("flush_cache and get_loads") {
    auto flushed = client.Post("/flush_cache", bearer(kAdminKey), "", "application/json");
    REQUIRE(flushed);
    CHECK(flushed->status == 200);
    CHECK(json_body(flushed)["workers_flushed"] == 1);
    CHECK(json_body(flushed)["failed"] == json::array());
    auto loads = json_body(client.Get("/get_loads", bearer(kAdminKey)));
    REQUIRE(loads["workers"].size() == 1);
    CHECK(loads["workers"][0]["worker"] == url);
    CHECK(loads["workers"][0]["load"] == 0);
  }
  SECTION("DELETE takes it out of routing") {
    auto removed = client.Delete("/workers/" + id, bearer(kAdminKey));
    REQUIRE(removed);
    CHECK(removed->status == 202);
    CHECK(json_body(removed)["worker_id"] == id);
    int served = fx.worker(0).stats()["requests"];
    auto after = client.Post("/v1/chat/completions", bearer(kUserKey), chat_body(kModel, "gone?"),
                             "application/json");
    REQUIRE(after);
    CHECK(after->status == 503);
    CHECK(json_body(after)["error"]["code"] == "no_available_workers");
    CHECK(fx.worker(0).stats()["requests"] == served);
  }
}

TEST_CASE("gateway: admission control answers 429 and 503 and big bodies 413", "[gateway]") {
  GatewayFixture fx(smg::test::fixture_options(
      1,
      {"--max-concurrent-requests", "2", "--queue-size", "1", "--queue-timeout-secs", "1",
       "--max-payload-size", "1024"},
      {kModel}));
  REQUIRE(fx.wait_until_healthy(1));

  auto big = fx.gateway().client().Post("/v1/chat/completions",
                                        chat_body(kModel, std::string(2000, 'x')),
                                        "application/json");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(json_body(big)["error"].is_object());

  struct Outcome {
    int status = -1;
    std::string code, retry_after;
  };
  auto send = [&](Outcome& outcome, const char* delay_ms) {
    auto res = fx.gateway().client().Post("/v1/chat/completions", {{"x-dev-delay-ms", delay_ms}},
                                          chat_body(kModel, "slow"), "application/json");
    if (!res) return;
    outcome.status = res->status;
    auto body = json_body(res);
    if (body.is_object() && body["error"].is_object()) {
      outcome.code = body["error"].value("code", "");
    }
    outcome.retry_after = res->get_header_value("Retry-After");
  };
  std::vector<Outcome> slow(2), extra(2);
  std::vector<std::thread> threads;
  for (auto& outcome : slow) threads.emplace_back([&] { send(outcome, "4000"); });
  // Both slots are taken once the worker holds both requests.
  REQUIRE(poll_until([&] { return fx.worker(0).stats()["in_flight"] == 2; },
                     std::chrono::seconds(5)));
  // One of these waits in the queue (and times out after 1 s); the other finds it full.
  for (auto& outcome : extra) threads.emplace_back([&] { send(outcome, "0"); });
  for (auto& thread : threads) thread.join();

  for (const auto& outcome : slow) CHECK(outcome.status == 200);
  std::sort(extra.begin(), extra.end(),
            [](const Outcome& a, const Outcome& b) { return a.status < b.status; });
  CHECK(extra[0].status == 429);
  CHECK(extra[0].code == "admission_queue_full");
  CHECK(!extra[0].retry_after.empty());
  CHECK(extra[1].status == 503);
  CHECK(extra[1].code == "admission_queue_timeout");
  CHECK(!extra[1].retry_after.empty());
}

TEST_CASE("gateway: every control-plane request is audited once in every sink",
          "[gateway][audit]") {
  smg::test::TempDir dir;
  std::string audit_file = dir.file("audit.log");
  auto args = admin_and_user_keys();
  args.insert(args.end(), {"--audit-log-file", audit_file});
  smg::test::GatewayProcess gateway(args);
  auto client = gateway.client();

  struct Expected {
    int status;
    const char* outcome;
    const char* principal;
  };
  const std::vector<Expected> expected = {{200, "success", "api_key:a1"},
                                          {200, "success", "api_key:a1"},
                                          {400, "success", "api_key:a1"},
                                          {403, "denied", "api_key:u1"},
                                          {401, "unauthenticated", "anonymous"},
                                          {401, "unauthenticated", "anonymous"}};
  CHECK(client.Get("/workers", bearer(kAdminKey))->status == 200);
  CHECK(client.Get("/get_loads", bearer(kAdminKey))->status == 200);
  CHECK(client.Post("/workers", bearer(kAdminKey), R"({"url":"nope"})", "application/json")
            ->status == 400);
  CHECK(client.Get("/workers", bearer(kUserKey))->status == 403);
  CHECK(client.Get("/workers")->status == 401);
  CHECK(client.Get("/get_loads", bearer("sk-not-a-key"))->status == 401);
  // Data-plane and public requests are not audited.
  client.Get("/health");
  client.Get("/v1/models", bearer(kUserKey));

  auto check_lines = [&](const std::vector<std::string>& lines) {
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto event = json_on_line(lines[i]);
      INFO("line " << lines[i]);
      CHECK(event["event"] == "control_plane_audit");
      CHECK(event["status"] == expected[i].status);
      CHECK(event["outcome"] == expected[i].outcome);
      CHECK(event["principal"] == expected[i].principal);
    }
  };
  auto audit_lines = [&] { return lines_containing(gateway.err(), "control_plane_audit"); };
  REQUIRE(poll_until([&] { return audit_lines().size() >= expected.size(); },
                     std::chrono::seconds(5)));
  check_lines(audit_lines());
  check_lines(lines_containing(smg::test::read_file(audit_file), "control_plane_audit"));

  auto listed = client.Get("/admin/audit", bearer(kAdminKey));
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  auto events = json_body(listed)["events"];
  REQUIRE(events.size() == expected.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["outcome"] == expected[i].outcome);
    CHECK(events[i]["status"] == expected[i].status);
  }

  SECTION("?follow=1 streams new events as SSE") {
    std::mutex mutex;
    std::string streamed;
    auto contains = [&](const std::string& needle) {
      std::lock_guard<std::mutex> lock(mutex);
      return streamed.find(needle) != std::string::npos;
    };
    std::thread follower([&] {
      auto follow_client = gateway.client();
      follow_client.set_read_timeout(std::chrono::seconds(5));  // heartbeats come every 15 s
      follow_client.Get("/admin/audit?follow=1",
                        bearer(kAdminKey, {{"x-request-id", "gwtest-follow-stream"}}),
                        [&](const char* data, size_t size) {
                          std::lock_guard<std::mutex> lock(mutex);
                          streamed.append(data, size);
                          return streamed.find("gwtest-follow-probe") == std::string::npos;
                        });
    });
    // The follower's own request is audited once its stream is open.
    bool open = poll_until([&] { return contains("gwtest-follow-stream"); },
                           std::chrono::seconds(5));
    CHECK(open);
    client.Get("/workers", bearer(kAdminKey, {{"x-request-id", "gwtest-follow-probe"}}));
    CHECK(poll_until([&] { return contains("gwtest-follow-probe"); }, std::chrono::seconds(2)));
    follower.join();
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(streamed.find("data: {") != std::string::npos);
    CHECK(streamed.find("\"event\":\"control_plane_audit\"") != std::string::npos);
  }
}

TEST_CASE("gateway: --disable-audit-logging writes no audit lines", "[gateway][audit]") {
  auto args = admin_and_user_keys();
  args.push_back("--disable-audit-logging");
  smg::test::GatewayProcess gateway(args);
  auto client = gateway.client();
  CHECK(client.Get("/workers", bearer(kAdminKey))->status == 200);
  CHECK(client.Get("/workers", bearer(kUserKey))->status == 403);
  CHECK(client.Get("/workers")->status == 401);
  CHECK(client.Get("/admin/audit", bearer(kAdminKey))->status == 404);
  CHECK(gateway.stop() == 0);  // returns once everything it wrote was read
  CHECK(lines_containing(gateway.err(), "control_plane_audit").empty());
}

TEST_CASE("gateway: no output ever contains a configured secret", "[gateway][secrets]") {
  smg::test::TempDir dir;
  std::string audit_file = dir.file("audit.log");
  auto args = admin_and_user_keys();
  args.insert(args.end(), {"--api-key", kSharedKey, "--tenant-api-key",
                           std::string("t1:") + kTenantKey, "--audit-log-file", audit_file,
                           "--log-level", "debug", "--health-check-interval-secs", "1"});
  auto options = smg::test::fixture_options(1, args, {kModel});
  options.worker_args = {"--api-key-env", "GWTEST_WORKER_KEY"};
  options.worker_env = {{"GWTEST_WORKER_KEY", kSharedKey}};
  GatewayFixture fx(options);
  REQUIRE(fx.wait_until_healthy(1));
  // A second worker with its own key, added through the control plane.
  smg::test::DevWorkerProcess keyed({kModel}, {"--api-key-env", "GWTEST_OWN_KEY"},
                                    {{"GWTEST_OWN_KEY", kWorkerKey}});
  auto client = fx.gateway().client();
  auto added = client.Post("/workers", bearer(kAdminKey),
                           json{{"url", keyed.url()}, {"api_key", kWorkerKey}}.dump(),
                           "application/json");
  REQUIRE(added);
  REQUIRE(added->status == 202);
  REQUIRE(fx.wait_until_healthy(2));
  std::string shown = client.Get("/workers", bearer(kAdminKey))->body;
  CHECK(shown.find(kWorkerKey) == std::string::npos);

  for (const char* key : {kUserKey, kSharedKey, kTenantKey, kAdminKey}) {
    auto run = smg::test::run_peer("openai-client.mjs",
                                   {fx.gateway().base_url() + "/v1", key, kModel});
    INFO("key " << key << " peer stderr: " << run.err);
    CHECK(run.exit_code == 0);
  }
  CHECK(keyed.stats()["last_authorization"] ==
        smg::devworker::credential_digest(std::string("Bearer ") + kWorkerKey));
  CHECK(fx.worker(0).stats()["last_authorization"] ==
        smg::devworker::credential_digest(std::string("Bearer ") + kSharedKey));
  // Failures and the control plane too: wrong keys, wrong roles, bad bodies.
  client.Get("/workers", bearer(kUserKey));
  client.Get("/workers", bearer(kTenantKey));
  client.Get("/workers", bearer(kSharedKey));
  client.Post("/workers", bearer(kAdminKey), json{{"url", "bad"}, {"api_key", kWorkerKey}}.dump(),
              "application/json");
  client.Post("/v1/chat/completions", bearer(kUserKey), "not json", "application/json");
  client.Get("/admin/audit", bearer(kAdminKey));
  client.Post("/flush_cache", bearer(kAdminKey), "", "application/json");
  CHECK(fx.gateway().stop() == 0);

  std::string everything = fx.gateway().out() + fx.gateway().err() +
                           smg::test::read_file(audit_file);
  CHECK(!lines_containing(smg::test::read_file(audit_file), "control_plane_audit").empty());
  for (const char* secret : {kAdminKey, kUserKey, kSharedKey, kTenantKey, kWorkerKey}) {
    INFO("secret " << secret);
    CHECK(everything.find(secret) == std::string::npos);
  }
}

TEST_CASE("gateway: serve --dev prints working keys on stdout and never on stderr",
          "[gateway][secrets]") {
  smg::test::TempDir state;
  smg::test::BackgroundProcess serve({SMGCTL_PATH, "serve", "--dev", "--port", "0"},
                                     {{"XDG_STATE_HOME", state.path()}});
  auto listening = serve.wait_for_line("smg listening on http://", smg::test::kProcessStartDeadline);
  INFO("stderr: " << serve.err());
  REQUIRE(listening);
  int port = smg::test::trailing_port(*listening);
  auto admin_line = serve.wait_for_line("admin key (control plane):", std::chrono::seconds(1));
  auto user_line = serve.wait_for_line("user key  (data plane):", std::chrono::seconds(1));
  REQUIRE(admin_line);
  REQUIRE(user_line);
  std::string admin_key = admin_line->substr(admin_line->rfind(' ') + 1);
  std::string user_key = user_line->substr(user_line->rfind(' ') + 1);
  REQUIRE(admin_key.size() >= 20);
  REQUIRE(user_key.size() >= 20);
  CHECK(admin_key != user_key);

  httplib::Client client("127.0.0.1", port);
  REQUIRE(poll_until([&] { return client.Get("/readiness")->status == 200; },
                     std::chrono::seconds(10)));
  auto chat = client.Post("/v1/chat/completions", bearer(user_key),
                          chat_body("smg-dev-echo", "hello dev"), "application/json");
  REQUIRE(chat);
  CHECK(chat->status == 200);
  CHECK(json_body(chat)["choices"][0]["message"]["content"] == "echo: hello dev");
  CHECK(client.Get("/workers", bearer(admin_key))->status == 200);
  CHECK(client.Get("/workers", bearer(user_key))->status == 403);
  CHECK(serve.stop(SIGINT) == 0);
  CHECK(serve.wait_for_output_closed());
  std::string out = serve.out();
  CHECK(std::count(out.begin(), out.end(), '\n') > 0);
  auto count = [&](const std::string& key) {
    std::size_t n = 0;
    for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + 1)) ++n;
    return n;
  };
  CHECK(count(admin_key) == 3);  // the key line, the /workers curl and the context line
  CHECK(count(user_key) == 4);   // the key line, two chat curls and the SDK line
  CHECK(out.find("| smgctl context set dev --server http://127.0.0.1:" + std::to_string(port) +
                 " --token-stdin") != std::string::npos);
  CHECK(out.find("export OPENAI_BASE_URL=http://127.0.0.1:" + std::to_string(port) +
                 "/v1 OPENAI_API_KEY=" + user_key) != std::string::npos);
  CHECK(serve.err().find(admin_key) == std::string::npos);
  CHECK(serve.err().find(user_key) == std::string::npos);
}

TEST_CASE("gateway: serve --dev keeps its keys and data in the state folder across restarts",
          "[gateway][secrets]") {
  smg::test::TempDir state;
  auto run_dev = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {SMGCTL_PATH, "serve", "--dev", "--port", "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    smg::test::BackgroundProcess serve(argv, {{"XDG_STATE_HOME", state.path()}});
    auto admin_line = serve.wait_for_line("admin key (control plane):",
                                          smg::test::kProcessStartDeadline);
    INFO("stderr: " << serve.err());
    REQUIRE(admin_line);
    REQUIRE(serve.wait_for_line("smg listening on http://", std::chrono::seconds(5)));
    CHECK(serve.stop(SIGINT) == 0);
    return admin_line->substr(admin_line->rfind(' ') + 1);
  };
  std::string first = run_dev({});
  CHECK(run_dev({}) == first);  // a context saved with it keeps working
  const std::string dir = state.path() + "/smgctl/dev";
  struct stat info {};
  REQUIRE(::stat((dir + "/keys").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  CHECK(::stat((dir + "/data").c_str(), &info) == 0);  // its data too, not ./smg-data
  std::string rotated = run_dev({"--dev-new-keys"});
  CHECK(rotated != first);
  CHECK(run_dev({}) == rotated);
  auto refused = smg::test::run_smgctl({"serve", "--dev-new-keys", "--port", "0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--dev-new-keys needs --dev") != std::string::npos);
}

TEST_CASE("gateway: config errors exit 2 with one line naming the field", "[gateway][config]") {
  struct Case {
    std::vector<std::string> args;
    std::string field;
  };
  const std::string secret = "sk-gwtest-config-secret-0b5d";
  const std::vector<Case> cases = {
      {{"--jwt-issuer", "https://idp.example.com"}, "--jwt-audience"},
      {{"--control-plane-api-keys", "k1:Key:superuser:" + secret}, "role"},
      {{"--tls-cert-path", "/tmp/does-not-matter.pem", "--api-key", secret}, "--tls-key-path"},
      {{"--host", "0.0.0.0"}, "--host"},
      {{"--policy", "bogus", "--api-key", secret}, "--policy"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {"serve", "--port", "0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto run = smg::test::run_smgctl(argv);
    INFO("args: " << json(c.args).dump() << "\nstderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    CHECK(run.err.find(c.field) != std::string::npos);
    CHECK(run.err.find(secret) == std::string::npos);
  }

  SECTION("--allow-unauthenticated lets a non-loopback host start") {
    smg::test::BackgroundProcess open(
        {SMGCTL_PATH, "serve", "--host", "0.0.0.0", "--port", "0", "--allow-unauthenticated"});
    auto line = open.wait_for_line("smg listening on http://", smg::test::kProcessStartDeadline);
    INFO("stderr: " << open.err());
    CHECK(line);
    CHECK(open.stop() == 0);
  }
}
