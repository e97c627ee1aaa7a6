// The built-in test worker in-process (port 0) driven over HTTP with httplib::Client.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/crypto/crypto.h"
#include "server/devworker/dev_stats.h"
#include "server/devworker/dev_worker.h"
#include "server/devworker/echo.h"
#include "tests/support/eventually.h"

using nlohmann::json;
using smg::devworker::DevWorker;
using smg::devworker::DevWorkerOptions;

namespace {

constexpr const char* kModel = "smg-dev-echo";

struct Started {
  explicit Started(DevWorkerOptions options = {}) : worker(std::move(options)) {
    auto port = worker.start();
    REQUIRE(port.ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", *port);
    client->set_read_timeout(30, 0);
  }
  DevWorker worker;
  std::unique_ptr<httplib::Client> client;
};

httplib::Result post(httplib::Client& client, const std::string& path, const json& body,
                     const httplib::Headers& headers = {}) {
  return client.Post(path.c_str(), headers, body.dump(), "application/json");
}

json chat_body(const std::string& text, bool stream = false) {
  return {{"model", kModel},
          {"stream", stream},
          {"messages",
           {{{"role", "system"}, {"content", "you echo"}}, {{"role", "user"}, {"content", text}}}}};
}

// The payloads of an SSE body, REQUIRE-ing that every event is exactly `data: ...\n\n`.
std::vector<std::string> sse_payloads(const std::string& body) {
  std::vector<std::string> payloads;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find("\n\n", start);
    REQUIRE(end != std::string::npos);
    std::string event = body.substr(start, end - start);
    REQUIRE(event.rfind("data: ", 0) == 0);
    REQUIRE(event.find('\n') == std::string::npos);
    payloads.push_back(event.substr(6));
    start = end + 2;
  }
  return payloads;
}

// DevWorkerOptions with one field changed (designated initializers trip -Wextra here).
template <typename Change>
DevWorkerOptions options_with(Change change) {
  DevWorkerOptions options;
  change(options);
  return options;
}

json error_of(const httplib::Result& res) { return json::parse(res->body)["error"]; }

using smg::test::eventually;

}  // namespace

TEST_CASE("devworker: health, models and SGLang info routes", "[devworker]") {
  Started s(options_with([](auto& o) { o.models = {"m1", "m2"}; }));
  auto health = s.client->Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "OK");

  auto models = s.client->Get("/v1/models");
  REQUIRE(models);
  auto doc = json::parse(models->body);
  CHECK(doc["object"] == "list");
  REQUIRE(doc["data"].size() == 2);
  CHECK(doc["data"][1]["id"] == "m2");
  CHECK(doc["data"][0]["object"] == "model");
  CHECK(doc["data"][0]["owned_by"] == "smg-dev");
  CHECK(doc["data"][0]["created"].is_number_integer());

  CHECK(json::parse(s.client->Get("/get_model_info")->body)["model_path"] == "m1");
  CHECK(json::parse(s.client->Get("/get_server_info")->body).contains("version"));
  CHECK(json::parse(s.client->Get("/get_load")->body)["load"] == 0);
  CHECK(s.client->Post("/flush_cache")->status == 200);
  auto missing = s.client->Get("/v1/nope");
  CHECK(missing->status == 404);
  CHECK(error_of(missing)["type"] == "not_found_error");
}

TEST_CASE("devworker: chat completion echoes the last user message", "[devworker]") {
  Started s;
  SECTION("string content, usage counts whitespace tokens") {
    auto res = post(*s.client, "/v1/chat/completions", chat_body("hello  big\tworld"));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto doc = json::parse(res->body);
    CHECK(doc["object"] == "chat.completion");
    CHECK(doc["model"] == kModel);
    CHECK(doc["choices"][0]["message"]["role"] == "assistant");
    CHECK(doc["choices"][0]["message"]["content"] == "echo: hello big world");
    CHECK(doc["choices"][0]["finish_reason"] == "stop");
    CHECK(doc["usage"] ==
          json{{"prompt_tokens", 5}, {"completion_tokens", 4}, {"total_tokens", 9}});
  }
  SECTION("content parts and max_tokens") {
    json body = {{"model", kModel},
                 {"max_tokens", 2},
                 {"messages",
                  {{{"role", "user"},
                    {"content",
                     {{{"type", "text"}, {"text", "one two"}},
                      {{"type", "image_url"}, {"image_url", "x"}},
                      {{"type", "text"}, {"text", "three"}}}}}}}};
    auto doc = json::parse(post(*s.client, "/v1/chat/completions", body)->body);
    CHECK(doc["choices"][0]["message"]["content"] == "echo: one");
    CHECK(doc["choices"][0]["finish_reason"] == "length");
    CHECK(doc["usage"]["completion_tokens"] == 2);
    CHECK(doc["usage"]["prompt_tokens"] == 3);
  }
  SECTION("an unknown model is 404 model_not_found") {
    json body = chat_body("hi");
    body["model"] = "gpt-elsewhere";
    auto res = post(*s.client, "/v1/chat/completions", body);
    CHECK(res->status == 404);
    CHECK(error_of(res)["code"] == "model_not_found");
  }
}

TEST_CASE("devworker: chat streams are SSE framed and end with the DONE event", "[devworker][sse]") {
  Started s(options_with([](auto& o) { o.stream_chunk_delay_ms = 1; }));
  json body = chat_body("a b c", true);
  bool include_usage = GENERATE(false, true);
  body["stream_options"] = {{"include_usage", include_usage}};
  auto res = post(*s.client, "/v1/chat/completions", body);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/event-stream", 0) == 0);
  auto payloads = sse_payloads(res->body);
  REQUIRE(payloads.back() == "[DONE]");
  // 4 words ("echo:", "a", "b", "c"), the finish chunk, the usage chunk, [DONE].
  REQUIRE(payloads.size() == (include_usage ? 7U : 6U));
  std::string text;
  for (std::size_t i = 0; i < 4; ++i) {
    auto chunk = json::parse(payloads[i]);
    CHECK(chunk["object"] == "chat.completion.chunk");
    CHECK(chunk["choices"][0]["finish_reason"].is_null());
    text += chunk["choices"][0]["delta"]["content"].get<std::string>();
  }
  CHECK(text == "echo: a b c");
  CHECK(json::parse(payloads[0])["choices"][0]["delta"]["role"] == "assistant");
  CHECK(json::parse(payloads[4])["choices"][0]["finish_reason"] == "stop");
  if (include_usage) {
    auto usage = json::parse(payloads[5]);
    CHECK(usage["choices"].empty());
    CHECK(usage["usage"] ==
          json{{"prompt_tokens", 5}, {"completion_tokens", 4}, {"total_tokens", 9}});
  }
  auto stats = s.worker.stats();
  CHECK(stats.streams_completed == 1);
  CHECK(stats.streams_aborted == 0);
  CHECK(stats.active_streams == 0);
}

TEST_CASE("devworker: x-dev-chunks makes long streams", "[devworker][sse]") {
  Started s(options_with([](auto& o) { o.stream_chunk_delay_ms = 0; }));
  auto res =
      post(*s.client, "/v1/chat/completions", chat_body("x y", true), {{"x-dev-chunks", "50"}});
  REQUIRE(res);
  auto payloads = sse_payloads(res->body);
  CHECK(payloads.size() == 52U);  // 50 words, finish, [DONE]
  CHECK(json::parse(payloads[3])["choices"][0]["delta"]["content"] == " echo:");
}

TEST_CASE("devworker: completions, embeddings and /generate", "[devworker]") {
  Started s(options_with([](auto& o) { o.stream_chunk_delay_ms = 0; }));
  SECTION("completions with a prompt array") {
    json body = {{"model", kModel}, {"prompt", {"first one", "second"}}};
    auto doc = json::parse(post(*s.client, "/v1/completions", body)->body);
    CHECK(doc["object"] == "text_completion");
    CHECK(doc["choices"][0]["text"] == "echo: first one");
    CHECK(doc["choices"][1]["text"] == "echo: second");
    CHECK(doc["choices"][1]["index"] == 1);
    CHECK(doc["usage"]["prompt_tokens"] == 3);
    CHECK(doc["usage"]["completion_tokens"] == 5);
  }
  SECTION("streamed completions") {
    json body = {{"model", kModel}, {"prompt", "p q"}, {"stream", true}};
    auto payloads = sse_payloads(post(*s.client, "/v1/completions", body)->body);
    REQUIRE(payloads.size() == 5U);  // 3 words, finish, [DONE]
    CHECK(json::parse(payloads[1])["choices"][0]["text"] == " p");
    CHECK(json::parse(payloads[3])["choices"][0]["finish_reason"] == "stop");
  }
  SECTION("embeddings are deterministic unit vectors, also as base64") {
    json body = {{"model", kModel}, {"input", {"alpha", "beta gamma"}}};
    auto doc = json::parse(post(*s.client, "/v1/embeddings", body)->body);
    REQUIRE(doc["data"].size() == 2);
    std::vector<float> alpha = doc["data"][0]["embedding"];
    REQUIRE(alpha.size() == 16U);
    double norm = 0;
    for (float v : alpha) {
      norm += static_cast<double>(v) * v;
    }
    CHECK(std::abs(norm - 1.0) < 1e-5);
    CHECK(alpha == smg::devworker::embedding_for("alpha"));
    CHECK(doc["data"][0]["embedding"] != doc["data"][1]["embedding"]);
    CHECK(doc["usage"] == json{{"prompt_tokens", 3}, {"total_tokens", 3}});
    body["encoding_format"] = "base64";
    auto b64 = json::parse(post(*s.client, "/v1/embeddings", body)->body);
    CHECK(b64["data"][0]["embedding"] == smg::devworker::embedding_base64(alpha));
  }
  SECTION("/generate in SGLang's shape") {
    json body = {{"text", "to be or not"}, {"sampling_params", {{"max_new_tokens", 3}}}};
    auto doc = json::parse(post(*s.client, "/generate", body)->body);
    CHECK(doc["text"] == "echo: to be");
    CHECK(doc["meta_info"]["prompt_tokens"] == 4);
    CHECK(doc["meta_info"]["completion_tokens"] == 3);
    CHECK(doc["meta_info"]["finish_reason"]["type"] == "length");
  }
}

TEST_CASE("devworker: bad bodies get 400 OpenAI errors, never a crash", "[devworker][attack]") {
  Started s;
  auto bad = [&](const std::string& path, const std::string& body) {
    auto res = s.client->Post(path.c_str(), body, "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(error_of(res)["type"] == "invalid_request_error");
    CHECK(error_of(res)["message"].get<std::string>().size() > 0);
  };
  bad("/v1/chat/completions", "{not json");
  bad("/v1/chat/completions", "[1,2]");
  bad("/v1/chat/completions", R"({"model":"smg-dev-echo"})");
  bad("/v1/chat/completions", R"({"model":"smg-dev-echo","messages":[]})");
  bad("/v1/chat/completions", R"({"model":"smg-dev-echo","messages":[{"content":"x"}]})");
  bad("/v1/chat/completions",
      R"({"model":"smg-dev-echo","messages":[{"role":"user","content":7}]})");
  bad("/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}]})");
  bad("/v1/chat/completions",
      R"({"model":"smg-dev-echo","max_tokens":0,"messages":[{"role":"user","content":"x"}]})");
  bad("/v1/chat/completions",
      R"({"model":"smg-dev-echo","stream":"yes","messages":[{"role":"user","content":"x"}]})");
  bad("/v1/completions", R"({"model":"smg-dev-echo","prompt":[1,2]})");
  bad("/v1/embeddings", R"({"model":"smg-dev-echo"})");
  bad("/v1/embeddings", R"({"model":"smg-dev-echo","input":"x","encoding_format":"hex"})");
  bad("/generate", R"({"text":5})");
  auto hook = post(*s.client, "/v1/chat/completions", chat_body("x"), {{"x-dev-delay-ms", "-1"}});
  CHECK(hook->status == 400);
  CHECK(s.client->Get("/health")->status == 200);
}

TEST_CASE("devworker: api_key is enforced and the seen credential is reported", "[devworker]") {
  Started s(options_with([](auto& o) { o.api_key = "worker-secret"; }));
  auto none = post(*s.client, "/v1/chat/completions", chat_body("x"));
  CHECK(none->status == 401);
  CHECK(error_of(none)["code"] == "invalid_api_key");
  CHECK(error_of(none)["message"].get<std::string>().find("worker-secret") == std::string::npos);
  auto wrong = post(*s.client, "/v1/chat/completions", chat_body("x"),
                    {{"Authorization", "Bearer nope"}, {"X-Trace", "t1"}});
  CHECK(wrong->status == 401);
  CHECK(s.worker.stats().last_authorization == smg::devworker::credential_digest("Bearer nope"));
  CHECK(s.client->Get("/v1/models")->status == 401);
  CHECK(s.client->Get("/get_load")->status == 401);
  CHECK(s.client->Get("/health")->status == 200);

  auto right = post(*s.client, "/v1/chat/completions", chat_body("x"),
                    {{"authorization", "bearer worker-secret"}, {"X-Trace", "t2"}});
  CHECK(right->status == 200);
  // /dev/stats needs the key, and never shows a credential back (issue 11, finding 7).
  auto anonymous = s.client->Get("/dev/stats");
  CHECK(anonymous->status == 401);
  CHECK(anonymous->body.find("worker-secret") == std::string::npos);
  auto stats_res = s.client->Get("/dev/stats", {{"Authorization", "Bearer worker-secret"}});
  REQUIRE(stats_res->status == 200);
  CHECK(stats_res->body.find("worker-secret") == std::string::npos);
  auto stats = json::parse(stats_res->body);
  CHECK(stats["last_authorization"] == smg::devworker::credential_digest("bearer worker-secret"));
  CHECK(stats["last_headers"]["authorization"] == stats["last_authorization"]);
  CHECK(stats["last_headers"]["x-trace"] == "t2");
  CHECK_FALSE(stats["last_headers"].contains("remote_addr"));
  CHECK(stats["requests"] == 4);  // /v1/models counts as data plane
}

TEST_CASE("devworker: x-dev-status and x-dev-delay-ms hooks", "[devworker]") {
  Started s;
  auto failed = post(*s.client, "/v1/chat/completions", chat_body("x"), {{"x-dev-status", "503"}});
  CHECK(failed->status == 503);
  CHECK(error_of(failed)["type"] == "server_error");
  auto started = std::chrono::steady_clock::now();
  auto slow = post(*s.client, "/v1/embeddings", {{"model", kModel}, {"input", "x"}},
                   {{"x-dev-delay-ms", "300"}});
  CHECK(slow->status == 200);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300));
}

TEST_CASE("devworker: a client that disconnects mid-stream is counted as aborted",
          "[devworker][sse]") {
  Started s;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(s.worker.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  std::string body = chat_body("one two three", true).dump();
  std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nx-dev-delay-ms: 20000\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  char buffer[4096];
  REQUIRE(read(fd, buffer, sizeof buffer) > 0);  // headers and the first event
  CHECK(eventually([&] { return s.worker.stats().active_streams == 1; }, std::chrono::seconds(2)));
  close(fd);
  // The worker is sleeping 20 s before the next event: it must notice the close long before.
  CHECK(eventually([&] { return s.worker.stats().streams_aborted == 1; }, std::chrono::seconds(2)));
  auto stats = s.worker.stats();
  CHECK(stats.active_streams == 0);
  CHECK(stats.streams_completed == 0);
  CHECK(stats.in_flight == 0);
}

TEST_CASE("devworker: holds 200 concurrent slow streams while /health stays fast",
          "[devworker][load]") {
  Started s;
  constexpr int kStreams = 200;
  std::atomic<int> done_ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kStreams; ++i) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", s.worker.port());
      client.set_read_timeout(30, 0);
      client.set_connection_timeout(10, 0);
      auto res = post(client, "/v1/chat/completions", chat_body("slow", true),
                      {{"x-dev-chunks", "3"}, {"x-dev-delay-ms", "1500"}});
      if (res && res->status == 200 && res->body.find("data: [DONE]\n\n") != std::string::npos) {
        ++done_ok;
      }
    });
  }
  CHECK(eventually([&] { return s.worker.stats().active_streams == kStreams; },
                   std::chrono::seconds(10)));
  auto started = std::chrono::steady_clock::now();
  auto health = s.client->Get("/health");
  auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(elapsed < std::chrono::seconds(2));
  CHECK(json::parse(s.client->Get("/get_load")->body)["load"] == kStreams);
  for (auto& client : clients) {
    client.join();
  }
  CHECK(done_ok == kStreams);
  auto stats = s.worker.stats();
  CHECK(stats.peak_streams == static_cast<std::uint64_t>(kStreams));
  CHECK(stats.streams_completed == static_cast<std::uint64_t>(kStreams));
  CHECK(stats.streams_aborted == 0);
}

TEST_CASE("devworker: a busy port is a bind error and stop() is idempotent", "[devworker]") {
  Started s;
  DevWorker second(options_with([&](auto& o) { o.port = s.worker.port(); }));
  auto port = second.start();
  REQUIRE_FALSE(port.ok());
  CHECK(port.status().reason() == "listen_failed");
  s.worker.stop();
  s.worker.stop();
  CHECK_FALSE(s.worker.start().ok());
}
