// WASM middleware through a real `smgctl serve --config` and real `smgctl dev-worker`s: each
// example module of examples/wasm/ (built by the test build with clang for wasm32) and two small
// modules written as WAT here, loaded over POST /wasm (base64 upload and a path on the gateway
// host) and with `smgctl wasm add`, acting on requests and responses the worker really sends,
// inside the budgets of server.wasm. Callers come from server.callers, so the principal's domain
// is real ("blocked/embeddings" for one token).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto/crypto.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace {

using nlohmann::json;
using smg::test::bearer;
using smg::test::json_body;
using namespace std::chrono_literals;

const std::string kAdminKey = "smg-admin-key-wasm-0001";
const std::string kAppToken = "app-token-wasm-0002";
const std::string kBlockedToken = "blocked-token-wasm-0003";

std::string example(const std::string& name) {
  return std::string(SMG_WASM_EXAMPLES_DIR) + "/" + name + ".wasm";
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A response module that appends `letter` to the response header x-chain: two of them in a row
// show the order they ran in and that the second saw the first one's edit.
std::string chain_wat(char letter) {
  return R"((module
  (import "smg" "header_get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "smg" "set_header" (func $set (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "x-chain")
  (func (export "smg_on_response") (result i32) (local $n i32)
    (local.set $n (call $get (i32.const 0) (i32.const 7) (i32.const 64) (i32.const 32)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (local.set $n (i32.const 0))))
    (i32.store8 (i32.add (i32.const 64) (local.get $n)) (i32.const )" +
         std::to_string(static_cast<int>(letter)) + R"())
    (call $set (i32.const 0) (i32.const 7) (i32.const 64) (i32.add (local.get $n) (i32.const 1)))
    (i32.const 1)))
)";
}

// server.callers give the data plane two principals; the control plane has one admin key.
class WasmGateway {
 public:
  explicit WasmGateway(const std::string& wasm_yaml, int workers = 1) {
    smg::test::write_file(dir_.file("smg.yaml"), R"(server:
  control_plane: { api_keys_env: CP_KEYS }
  callers:
    - { token_id: app, token_env: APP_TOKEN, domain: example/prod }
    - { token_id: blocked, token_env: BLOCKED_TOKEN, domain: blocked/embeddings }
  wasm:
)" + wasm_yaml);
    auto options =
        smg::test::fixture_options(workers, {"--config", dir_.file("smg.yaml")}, {"m1"});
    options.gateway_env = {{"CP_KEYS", "a1:Admin:admin:" + kAdminKey},
                           {"APP_TOKEN", kAppToken},
                           {"BLOCKED_TOKEN", kBlockedToken}};
    fx_ = std::make_unique<smg::test::GatewayFixture>(options);
    REQUIRE(fx_->wait_until_healthy(workers));
  }

  smg::test::GatewayFixture& fx() { return *fx_; }
  httplib::Client client() { return fx_->gateway().client(); }
  std::string dir_file(const std::string& name) { return dir_.file(name); }

  // POST /wasm with the module's bytes base64-encoded, as a remote admin uploads it. Returns
  // the module id.
  std::string add_bytes(const std::string& name, const std::string& bytes,
                        const std::vector<std::string>& attach, bool fail_closed = false) {
    json points = json::array();
    for (const auto& where : attach) points.push_back({{"Middleware", where}});
    json body = {{"modules", json::array({{{"name", name},
                                           {"wasm_base64", smg::crypto::base64_encode(bytes)},
                                           {"module_type", "Middleware"},
                                           {"attach_points", points},
                                           {"fail_closed", fail_closed}}})}};
    auto client = this->client();
    auto added = client.Post("/wasm", bearer(kAdminKey), body.dump(), "application/json");
    REQUIRE(added);
    INFO(added->body);
    REQUIRE(added->status == 200);
    return json_body(added)["modules"][0]["add_result"]["Success"].get<std::string>();
  }

  std::string add_example(const std::string& name, const std::vector<std::string>& attach,
                          bool fail_closed = false) {
    return add_bytes(name, file_bytes(example(name)), attach, fail_closed);
  }

  void remove(const std::string& uuid) {
    auto client = this->client();
    auto removed = client.Delete(("/wasm/" + uuid).c_str(), bearer(kAdminKey));
    REQUIRE(removed);
    REQUIRE(removed->status == 200);
  }

  // The value of smg_wasm_executions_total{module,result}, 0 when absent.
  long executions(const std::string& module, const std::string& result) {
    auto client = this->client();
    auto metrics = client.Get("/metrics", bearer(kAdminKey));
    REQUIRE(metrics);
    REQUIRE(metrics->status == 200);
    std::istringstream lines(metrics->body);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("smg_wasm_executions_total{", 0) != 0) continue;
      if (line.find("module=\"" + module + "\"") == std::string::npos) continue;
      if (line.find("result=\"" + result + "\"") == std::string::npos) continue;
      return std::stol(line.substr(line.rfind(' ') + 1));
    }
    return 0;
  }

 private:
  smg::test::TempDir dir_;
  std::unique_ptr<smg::test::GatewayFixture> fx_;
};

httplib::Result chat(httplib::Client& client, const std::string& token, const json& body,
                     httplib::Headers extra = {}) {
  return client.Post("/v1/chat/completions", bearer(token, std::move(extra)), body.dump(),
                     "application/json");
}

json chat_request(const std::string& text, int max_tokens = 0) {
  json body = {{"model", "m1"}, {"messages", json::array({{{"role", "user"}, {"content", text}}})}};
  if (max_tokens > 0) body["max_tokens"] = max_tokens;
  return body;
}

httplib::Result embeddings(httplib::Client& client, const std::string& token) {
  json body = {{"model", "m1"}, {"input", "hello"}};
  return client.Post("/v1/embeddings", bearer(token), body.dump(), "application/json");
}

std::string words(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? " w" : "w") + std::to_string(i);
  return text;
}

}  // namespace

TEST_CASE(
    "gateway wasm: reject one domain's embeddings, cap max_tokens, 500 to 503, order, "
    "delete at once",
    "[integration][wasm]") {
  WasmGateway gw("    enabled: true\n");
  auto client = gw.client();
  auto& worker = gw.fx().worker(0);

  // Without modules the data plane answers as usual.
  REQUIRE(embeddings(client, kBlockedToken)->status == 200);

  const std::string reject = gw.add_example("reject_domain", {"OnRequest"});
  uint64_t seen_before = worker.stats()["requests"].get<uint64_t>();
  auto refused = embeddings(client, kBlockedToken);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(refused->get_header_value("Content-Type").find("application/json") != std::string::npos);
  json refusal = json::parse(refused->body, nullptr, false);
  CHECK(refusal["error"]["type"] == "forbidden");
  CHECK(refusal["error"]["message"] == "embeddings are not allowed for this domain");
  CHECK(worker.stats()["requests"].get<uint64_t>() == seen_before);  // never reached the worker
  CHECK(embeddings(client, kAppToken)->status == 200);               // other domains pass
  CHECK(chat(client, kBlockedToken, chat_request("hi"))->status == 200);  // other routes pass
  CHECK(gw.executions("reject_domain", "reject") == 1);
  CHECK(gw.executions("reject_domain", "continue") >= 2);

  // A module's body rewrite reaches the worker: 100 words asked with max_tokens 1000 come back
  // capped at the module's 64.
  CHECK(json_body(chat(client, kAppToken, chat_request(words(100), 1000)))["usage"]
            ["completion_tokens"] == 101);
  const std::string cap = gw.add_example("cap_max_tokens", {"OnRequest"});
  auto capped = chat(client, kAppToken, chat_request(words(100), 1000));
  REQUIRE(capped);
  REQUIRE(capped->status == 200);
  CHECK(json_body(capped)["usage"]["completion_tokens"] == 64);
  CHECK(json_body(chat(client, kAppToken, chat_request(words(100), 10)))["usage"]
            ["completion_tokens"] == 10);  // under the cap: untouched

  // The worker's 500 becomes a 503 with Retry-After.
  auto failing = chat(client, kAppToken, chat_request("hi"), {{"x-dev-status", "500"}});
  REQUIRE(failing);
  CHECK(failing->status == 500);
  const std::string retry = gw.add_example("status_503", {"OnResponse"});
  auto retried = chat(client, kAppToken, chat_request("hi"), {{"x-dev-status", "500"}});
  REQUIRE(retried);
  CHECK(retried->status == 503);
  CHECK(retried->get_header_value("Retry-After") == "1");
  CHECK(chat(client, kAppToken, chat_request("hi"))->status == 200);

  // Two response modules run in the order they were added, the second seeing the first's edit.
  auto a = smg::test::run_smgctl({"--server", gw.fx().gateway().base_url(), "--token", kAdminKey,
                                  "wasm", "add", "-q", (gw.dir_file("a.wat")), "--name", "a",
                                  "--attach", "on-response"});
  CHECK(a.exit_code != 0);  // the file does not exist yet: one line, non-zero
  CHECK(a.err.find("a.wat") != std::string::npos);
  smg::test::write_file(gw.dir_file("a.wat"), chain_wat('a'));
  smg::test::write_file(gw.dir_file("b.wat"), chain_wat('b'));
  std::vector<std::string> ids;
  for (const char* name : {"a", "b"}) {
    auto added = smg::test::run_smgctl({"--server", gw.fx().gateway().base_url(), "--token",
                                        kAdminKey, "wasm", "add", "-q",
                                        gw.dir_file(std::string(name) + ".wat"), "--name", name,
                                        "--attach", "on-response"});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    std::string id = added.out.substr(0, added.out.find_first_of("\r\n"));
    CHECK(id.size() == 36);
    ids.push_back(id);
  }
  auto chained = chat(client, kAppToken, chat_request("hi"));
  REQUIRE(chained);
  CHECK(chained->get_header_value("x-chain") == "ab");
  auto listed = smg::test::run_smgctl({"--server", gw.fx().gateway().base_url(), "--token",
                                       kAdminKey, "wasm", "list", "-o", "json"});
  REQUIRE(listed.exit_code == 0);
  json modules = json::parse(listed.out, nullptr, false)["modules"];
  REQUIRE(modules.size() == 5);
  CHECK(modules[3]["module_meta"]["name"] == "a");
  CHECK(modules[4]["module_meta"]["name"] == "b");

  // Delete stops a module at once: the very next request is not touched by it.
  gw.remove(reject);
  CHECK(embeddings(client, kBlockedToken)->status == 200);
  gw.remove(cap);
  CHECK(json_body(chat(client, kAppToken, chat_request(words(100), 1000)))["usage"]
            ["completion_tokens"] == 101);
  auto removed = smg::test::run_smgctl(
      {"--server", gw.fx().gateway().base_url(), "--token", kAdminKey, "wasm", "remove", ids[0]});
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  CHECK(chat(client, kAppToken, chat_request("hi"))->get_header_value("x-chain") == "b");
  auto again = smg::test::run_smgctl(
      {"--server", gw.fx().gateway().base_url(), "--token", kAdminKey, "wasm", "remove", ids[0]});
  CHECK(again.exit_code == 1);  // 404: gone
}

TEST_CASE(
    "gateway wasm: a module never finds a credential, uploads that are not modules are "
    "refused with wabt's reason",
    "[integration][wasm][attack]") {
  WasmGateway gw("    enabled: true\n");
  auto client = gw.client();
  gw.add_example("read_credentials", {"OnRequest"});
  auto res = chat(client, kAppToken, chat_request("hi"),
                  {{"X-API-Key", kAppToken},
                   {"Cookie", "smg_session=abc"},
                   {"Proxy-Authorization", "Basic eDp5"}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  json headers = gw.fx().worker(0).stats()["last_headers"];
  INFO(headers.dump());
  CHECK(headers["x-seen-authorization"] == "-1");
  CHECK(headers["x-seen-api-key"] == "-1");
  CHECK(headers["x-seen-cookie"] == "-1");
  CHECK(headers["x-seen-listed"] == "0");

  auto post = [&](const json& body) {
    return client.Post("/wasm", bearer(kAdminKey), body.dump(), "application/json");
  };
  auto descriptor = [](json fields) {
    fields["module_type"] = "Middleware";
    fields["attach_points"] = json::array({{{"Middleware", "OnRequest"}}});
    return json{{"modules", json::array({fields})}};
  };
  auto not_wasm = post(descriptor(
      {{"name", "text"}, {"wasm_base64", smg::crypto::base64_encode("not a module at all")}}));
  REQUIRE(not_wasm);
  CHECK(not_wasm->status == 400);
  CHECK(json_body(not_wasm)["error"]["code"] == "wasm_add_failed");
  CHECK(json_body(not_wasm)["error"]["message"].get<std::string>().find("module text") == 0);
  auto bad_base64 = post(descriptor({{"name", "b64"}, {"wasm_base64", "%%%not-base64"}}));
  REQUIRE(bad_base64);
  CHECK(bad_base64->status == 400);
  auto outside = post(descriptor({{"name", "etc"}, {"file_path", "/etc/passwd"}}));
  REQUIRE(outside);
  CHECK(outside->status == 400);
  auto duplicate = post(descriptor({{"name", "again"},
                                    {"wasm_base64", smg::crypto::base64_encode(file_bytes(
                                                        example("read_credentials")))}}));
  REQUIRE(duplicate);
  CHECK(duplicate->status == 400);
  CHECK(json_body(duplicate)["error"]["message"].get<std::string>().find("already") !=
        std::string::npos);
  auto garbage = client.Post("/wasm", bearer(kAdminKey), "{not json", "application/json");
  REQUIRE(garbage);
  CHECK(garbage->status == 400);
  auto unknown = client.Delete("/wasm/00000000-0000-4000-8000-000000000000", bearer(kAdminKey));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  auto as_caller = client.Get("/wasm", bearer(kAppToken));
  REQUIRE(as_caller);
  CHECK(as_caller->status == 401);  // a data-plane token is no control-plane credential
  // The gateway still serves: none of that broke it.
  CHECK(chat(client, kAppToken, chat_request("hi"))->status == 200);
}

TEST_CASE(
    "gateway wasm: an infinite loop, memory.grow past the cap and an out-of-bounds store are "
    "skipped and counted, or fail the request when closed, other requests keep going",
    "[integration][wasm][attack]") {
  WasmGateway gw(
      "    enabled: true\n"
      "    max_execution_time_ms: 300\n"
      "    max_memory_pages: 64\n");
  auto client = gw.client();

  const std::string loop = gw.add_example("infinite_loop", {"OnRequest"});
  // Two looping requests in flight; meanwhile /health and the control plane answer at once
  // (under one budget each), and each looping request ends: skipped, 200 from the worker.
  std::atomic<int> loop_ok{0};
  std::vector<std::thread> loopers;
  for (int i = 0; i < 2; ++i) {
    loopers.emplace_back([&] {
      auto c = gw.client();
      auto res = chat(c, kAppToken, chat_request("hi"));
      if (res && res->status == 200) ++loop_ok;
    });
  }
  std::vector<double> health_ms;
  for (int i = 0; i < 5; ++i) {
    auto started = std::chrono::steady_clock::now();
    auto health = client.Get("/health");
    health_ms.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - started)
                            .count());
    REQUIRE(health);
    CHECK(health->status == 200);
  }
  for (auto& t : loopers) t.join();
  CHECK(loop_ok == 2);
  INFO("health ms max " << *std::max_element(health_ms.begin(), health_ms.end()));
  CHECK(*std::max_element(health_ms.begin(), health_ms.end()) < 300.0);
  CHECK(gw.executions("infinite_loop", "budget_exceeded") == 2);
  gw.remove(loop);

  const std::string closed = gw.add_example("infinite_loop", {"OnRequest"}, true);
  auto failed = chat(client, kAppToken, chat_request("hi"));
  REQUIRE(failed);
  CHECK(failed->status == 500);
  CHECK(json_body(failed)["error"]["code"] == "wasm_middleware_failed");
  CHECK(failed->body.find("infinite_loop") != std::string::npos);
  gw.remove(closed);

  const std::string grow = gw.add_example("grow_memory", {"OnRequest"});
  const std::string oob = gw.add_example("out_of_bounds", {"OnRequest"});
  auto survived = chat(client, kAppToken, chat_request("hi"));
  REQUIRE(survived);
  CHECK(survived->status == 200);
  CHECK(gw.executions("grow_memory", "trap") == 1);
  CHECK(gw.executions("out_of_bounds", "trap") == 1);
  CHECK(gw.fx().worker(0).stats()["last_headers"].count("x-grew") == 0);
  gw.remove(grow);
  gw.remove(oob);
  gw.add_example("out_of_bounds", {"OnRequest"}, true);
  auto oob_closed = chat(client, kAppToken, chat_request("hi"));
  REQUIRE(oob_closed);
  CHECK(oob_closed->status == 500);
  CHECK(json_body(oob_closed)["error"]["code"] == "wasm_middleware_failed");
}

TEST_CASE(
    "gateway wasm: 50 concurrent requests through a module, each with its own request id, "
    "streams pass untouched",
    "[integration][wasm]") {
  WasmGateway gw("    enabled: true\n", 2);
  gw.add_example("add_header", {"OnResponse"});
  std::mutex mu;
  std::set<std::string> ids;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      auto c = gw.client();
      auto res = chat(c, kAppToken, chat_request("request " + std::to_string(i)));
      if (!res || res->status != 200 || res->get_header_value("x-wasm-processed") != "true") return;
      if (json_body(res)["choices"][0]["message"]["content"] !=
          "echo: request " + std::to_string(i)) {
        return;
      }
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(res->get_header_value("x-request-id"));
      ++ok;
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok == 50);
  CHECK(ids.size() == 50);
  CHECK(gw.executions("add_header", "modify") == 50);

  auto client = gw.client();
  auto streamed = client.Post("/v1/chat/completions", bearer(kAppToken),
                              smg::test::chat_body("m1", "hi", true), "application/json");
  REQUIRE(streamed);
  CHECK(streamed->status == 200);
  CHECK_FALSE(streamed->has_header("x-wasm-processed"));
  CHECK(streamed->body.find("data: [DONE]") != std::string::npos);
}

TEST_CASE(
    "gateway wasm: with --enable-wasm and no module, the data plane answers as without it, "
    "server.wasm.modules load at start-up, a bad one stops it",
    "[integration][wasm]") {
  // The same requests through a gateway without WASM and one with WASM enabled but empty.
  auto shape = [](WasmGateway& gw) {
    auto client = gw.client();
    auto res = chat(client, kAppToken, chat_request("same words", 5));
    REQUIRE(res);
    json body = json_body(res);
    std::set<std::string> names;
    for (const auto& [name, value] : res->headers) names.insert(name);
    return std::make_tuple(res->status, body["choices"], body["usage"], names);
  };
  WasmGateway plain("    enabled: false\n");
  WasmGateway empty("    enabled: true\n");
  CHECK(shape(plain) == shape(empty));

  smg::test::TempDir dir;
  smg::test::write_file(dir.file("smg.yaml"), "server:\n  wasm:\n    enabled: true\n"
                                              "    modules:\n"
                                              "      - { name: hdr, file_path: " +
                                                  example("add_header") +
                                                  ", attach_points: [on-response] }\n");
  smg::test::DevWorkerProcess worker({"m1"});
  smg::test::GatewayProcess started({"--config", dir.file("smg.yaml"), "--worker-urls",
                                     worker.url()});
  auto client = started.client();
  REQUIRE(smg::test::poll_until(
      [&] {
        auto res = client.Post("/v1/chat/completions", smg::test::chat_body("m1", "hi"),
                               "application/json");
        return res && res->status == 200;
      },
      15s));
  auto res = client.Post("/v1/chat/completions", smg::test::chat_body("m1", "hi"),
                         "application/json");
  REQUIRE(res);
  CHECK(res->get_header_value("x-wasm-processed") == "true");

  smg::test::write_file(dir.file("bad.yaml"), "server:\n  wasm:\n    enabled: true\n"
                                              "    modules:\n"
                                              "      - { name: nope, file_path: " +
                                                  dir.file("missing.wasm") +
                                                  ", attach_points: [on-request] }\n");
  auto refused = smg::test::run_smgctl({"serve", "--config", dir.file("bad.yaml"), "--port", "0"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("server.wasm.modules[0] (nope)") != std::string::npos);
}
