// The tokenizer API called directly (no listener): SMG's shapes, job states and errors.
#include "server/tokenizers/tokenizer_routes.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace smg::server::tokenizers;
using nlohmann::json;

namespace {

// A word-level tokenizer over a few words, plus one special token.
TokenizerPtr small_tokenizer() {
  json doc = {{"model", {{"type", "WordLevel"}, {"vocab", {{"<unk>", 0}, {"hello", 1}, {"world", 2}}},
                         {"unk_token", "<unk>"}}},
              {"pre_tokenizer", {{"type", "WhitespaceSplit"}}},
              {"decoder", {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", false}}},
              {"added_tokens", {{{"id", 3}, {"content", "<eos>"}, {"special", true}, {"normalized", false}}}}};
  return *smg::tokenizer::Tokenizer::from_json(doc.dump());
}

RegistryOptions options(std::size_t capacity = 1000) {
  RegistryOptions out;
  out.queue_capacity = capacity;
  out.loader = [](const std::string& source) -> smg::Result<TokenizerPtr> {
    if (source == "good") return small_tokenizer();
    return smg::not_found("tokenizer_not_found", "no file or directory '" + source + "'");
  };
  return out;
}

smg::server::Request request(const std::string& method, const std::string& path, const json& body = nullptr) {
  smg::server::Request r;
  r.method = method;
  r.path = path;
  if (!body.is_null()) r.body = body.dump();
  return r;
}

json body_of(const smg::server::Response& response) { return json::parse(response.body); }

std::string add_and_wait(TokenizerRegistry& registry, TokenizerRoutes& routes, const std::string& name,
                         const std::string& source) {
  auto response = routes.handle(request("POST", "/v1/tokenizers", {{"name", name}, {"source", source}}));
  REQUIRE(response.status == 202);
  std::string id = body_of(response)["id"];
  REQUIRE(registry.wait_for_job(id, std::chrono::seconds(10)));
  return id;
}

}  // namespace

TEST_CASE("tokenizer routes: register, list, get, status and delete", "[tokenizer][routes]") {
  TokenizerRegistry registry(options());
  TokenizerRoutes routes(registry);
  auto accepted = routes.handle(request("POST", "/v1/tokenizers", {{"name", "zeta"}, {"source", "good"}}));
  REQUIRE(accepted.status == 202);
  json job = body_of(accepted);
  CHECK(job["status"] == "pending");
  CHECK(job["message"] == "Tokenizer 'zeta' registration job submitted. Loading from: good");
  std::string zeta = job["id"];
  CHECK(zeta.size() == 36);
  CHECK(zeta[14] == '7');  // UUID version 7
  REQUIRE(registry.wait_for_job(zeta, std::chrono::seconds(10)));
  std::string alpha = add_and_wait(registry, routes, "alpha", "good");

  json listed = body_of(routes.handle(request("GET", "/v1/tokenizers")));
  REQUIRE(listed["tokenizers"].size() == 2);
  CHECK(listed["tokenizers"][0]["name"] == "alpha");  // sorted by name
  CHECK(listed["tokenizers"][1] == json({{"id", zeta}, {"name", "zeta"}, {"source", "good"}, {"vocab_size", 3}}));

  CHECK(body_of(routes.handle(request("GET", "/v1/tokenizers/" + zeta)))["name"] == "zeta");
  CHECK(body_of(routes.handle(request("GET", "/v1/tokenizers/alpha")))["id"] == alpha);
  auto missing = routes.handle(request("GET", "/v1/tokenizers/nope"));
  CHECK(missing.status == 404);
  CHECK(body_of(missing) == json({{"error", {{"message", "Tokenizer 'nope' not found"}, {"type", "tokenizer_not_found"}}}}));

  json status = body_of(routes.handle(request("GET", "/v1/tokenizers/" + zeta + "/status")));
  CHECK(status == json({{"id", zeta}, {"status", "completed"}, {"message", "Tokenizer 'zeta' is loaded and ready"},
                        {"vocab_size", 3}}));

  auto duplicate = routes.handle(request("POST", "/v1/tokenizers", {{"name", "zeta"}, {"source", "good"}}));
  CHECK(duplicate.status == 409);
  CHECK(body_of(duplicate) == json({{"id", zeta}, {"status", "failed"}, {"message", "Tokenizer 'zeta' already exists"}}));

  auto removed = routes.handle(request("DELETE", "/v1/tokenizers/zeta"));
  CHECK(removed.status == 200);
  CHECK(body_of(removed) == json({{"success", true}, {"message", "Tokenizer 'zeta' removed successfully"}}));
  auto again = routes.handle(request("DELETE", "/v1/tokenizers/" + zeta));
  CHECK(again.status == 404);
  CHECK(body_of(again)["success"] == false);
  auto gone = routes.handle(request("GET", "/v1/tokenizers/" + zeta + "/status"));
  CHECK(gone.status == 404);
  CHECK(body_of(gone)["error"]["type"] == "not_found");
}

TEST_CASE("tokenizer routes: a failed load keeps its one-line reason", "[tokenizer][routes]") {
  TokenizerRegistry registry(options());
  TokenizerRoutes routes(registry);
  std::string id = add_and_wait(registry, routes, "broken", "/no/such/dir");
  json status = body_of(routes.handle(request("GET", "/v1/tokenizers/" + id + "/status")));
  CHECK(status == json({{"id", id}, {"status", "failed"}, {"message", "no file or directory '/no/such/dir'"}}));
  CHECK(body_of(routes.handle(request("GET", "/v1/tokenizers")))["tokenizers"].empty());
  std::string empty = add_and_wait(registry, routes, "", "good");
  CHECK(body_of(routes.handle(request("GET", "/v1/tokenizers/" + empty + "/status")))["message"] ==
        "tokenizer name cannot be empty");
}

TEST_CASE("tokenizer routes: bad requests", "[tokenizer][routes][attack]") {
  TokenizerRegistry registry(options(0));
  TokenizerRoutes routes(registry);
  smg::server::Request bad = request("POST", "/v1/tokenizers");
  bad.body = "{not json";
  CHECK(routes.handle(bad).status == 400);
  CHECK(routes.handle(request("POST", "/v1/tokenizers", {{"name", "x"}})).status == 422);
  CHECK(routes.handle(request("POST", "/v1/tokenizers", {{"name", 1}, {"source", "good"}})).status == 422);
  auto full = routes.handle(request("POST", "/v1/tokenizers", {{"name", "x"}, {"source", "good"}}));
  CHECK(full.status == 503);
  CHECK(body_of(full) == json({{"id", ""}, {"status", "failed"}, {"message", "Job queue full: 0 jobs pending (capacity: 0)"}}));
  CHECK(routes.handle(request("PUT", "/v1/tokenizers")).status == 405);
  CHECK(routes.handle(request("GET", "/v1/tokenize")).status == 405);
  CHECK(routes.handle(request("POST", "/v1/tokenize", {{"prompt", "hi"}})).status == 422);
  CHECK(routes.handle(request("POST", "/v1/detokenize", {{"model", ""}, {"tokens", {1, -2}}})).status == 422);
  auto none = routes.handle(request("POST", "/v1/tokenize", {{"model", "m"}, {"prompt", "hi"}}));
  CHECK(none.status == 400);
  CHECK(body_of(none)["error"]["message"] == "No tokenizers available. Use POST /v1/tokenizers to add one.");
}

TEST_CASE("tokenizer routes: tokenize and detokenize, single and batch", "[tokenizer][routes]") {
  TokenizerRegistry registry(options());
  TokenizerRoutes routes(registry);
  add_and_wait(registry, routes, "beta", "good");
  add_and_wait(registry, routes, "alpha", "good");
  json one = body_of(routes.handle(request("POST", "/v1/tokenize", {{"model", "beta"}, {"prompt", "hello wörld<eos>"}})));
  CHECK(one == json({{"tokens", {1, 0, 3}}, {"count", 3}, {"char_count", 16}}));
  json many = body_of(routes.handle(request("POST", "/v1/tokenize", {{"model", ""}, {"prompt", {"hello", "world hello"}}})));
  CHECK(many == json({{"tokens", {{1}, {2, 1}}}, {"count", {1, 2}}, {"char_count", {5, 11}}}));
  auto unknown = routes.handle(request("POST", "/v1/tokenize", {{"model", "gpt"}, {"prompt", "x"}}));
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown) == json({{"error", {{"message", "Tokenizer for model 'gpt' not found. Available: alpha, beta"},
                                             {"type", "tokenizer_not_found"}}}}));
  json text = body_of(routes.handle(request("POST", "/v1/detokenize", {{"model", "unknown"}, {"tokens", {1, 3, 2}}})));
  CHECK(text == json({{"text", "hello world"}}));
  json kept = body_of(routes.handle(request("POST", "/v1/detokenize",
                                            {{"model", "alpha"}, {"tokens", {{1, 3}, {2}}}, {"skip_special_tokens", false}})));
  CHECK(kept == json({{"text", {"hello <eos>", "world"}}}));
}
