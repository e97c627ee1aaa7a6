// Small hand-built tokenizer.json files: each pipeline stage and each load failure.
#include "common/tokenizer/tokenizer.h"

#include <catch2/catch.hpp>

using namespace smg::tokenizer;
using nlohmann::json;

namespace {

json byte_level_bpe() {
  // Vocabulary over "hello world" in byte-level characters (Ġ is the space).
  json vocab = json::object();
  for (const char* t : {"h", "e", "l", "o", "w", "r", "d", "\xC4\xA0", "he", "ll", "llo", "hello",
                        "\xC4\xA0w", "or", "\xC4\xA0wor", "ld", "\xC4\xA0world"}) {
    vocab[t] = vocab.size();
  }
  return {{"model", {{"type", "BPE"}, {"vocab", vocab},
                     {"merges", {"h e", "l l", "ll o", "he llo", "\xC4\xA0 w", "o r", "\xC4\xA0w or", "l d",
                                 "\xC4\xA0wor ld"}}}},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
          {"decoder", {{"type", "ByteLevel"}}},
          {"post_processor", {{"type", "TemplateProcessing"},
                              {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                          {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
                              {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {17}}, {"tokens", {"<s>"}}}}}}}},
          {"added_tokens", {{{"id", 17}, {"content", "<s>"}, {"special", true}, {"normalized", false}}}}};
}

std::shared_ptr<const Tokenizer> load(const json& document) {
  auto tokenizer = Tokenizer::from_json(document.dump());
  INFO(tokenizer.status().message());
  REQUIRE(tokenizer.ok());
  return *tokenizer;
}

std::vector<uint32_t> encode(const Tokenizer& t, const std::string& text, bool special = false) {
  auto ids = t.encode(text, special);
  INFO(ids.status().message());
  REQUIRE(ids.ok());
  return *ids;
}

}  // namespace

TEST_CASE("tokenizer: byte-level BPE merges, added tokens and the template", "[tokenizer]") {
  auto t = load(byte_level_bpe());
  CHECK(encode(*t, "hello world") == std::vector<uint32_t>{11, 16});
  CHECK(encode(*t, "hello world", true) == std::vector<uint32_t>{17, 11, 16});
  CHECK(encode(*t, "<s>hello") == std::vector<uint32_t>{17, 11});
  CHECK(*t->decode({17, 11, 16}, false) == "<s>hello world");
  CHECK(*t->decode({17, 11, 16}, true) == "hello world");
  CHECK(*t->decode({11, 999}, true) == "hello");  // unknown ids are skipped
  CHECK(t->vocab_size() == 17);
  CHECK(t->token_to_id("<s>") == 17u);
}

TEST_CASE("tokenizer: invalid UTF-8 input is an error, not a guess", "[tokenizer][attack]") {
  auto t = load(byte_level_bpe());
  auto ids = t->encode("hel\xFFlo", false);
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.status().reason() == "tokenizer_invalid_utf8");
}

TEST_CASE("tokenizer: byte fallback and fused unknowns", "[tokenizer]") {
  json vocab = {{"<unk>", 0}, {"<0xC3>", 1}, {"<0xA9>", 2}, {"a", 3}};
  json doc = {{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", json::array()},
                         {"unk_token", "<unk>"}, {"byte_fallback", true}, {"fuse_unk", true}}},
              {"decoder", {{"type", "Sequence"}, {"decoders", {{{"type", "ByteFallback"}}, {{"type", "Fuse"}}}}}}};
  auto t = load(doc);
  CHECK(encode(*t, "a\xC3\xA9") == std::vector<uint32_t>{3, 1, 2});
  CHECK(encode(*t, "\xE2\x82\xAC\xE2\x82\xAC" "a") == std::vector<uint32_t>{0, 3});  // one fused <unk>
  CHECK(*t->decode({3, 1, 2}, false) == "a\xC3\xA9");
  CHECK(*t->decode({1, 3}, false) == "\xEF\xBF\xBD" "a");  // a lone byte decodes as U+FFFD
}

TEST_CASE("tokenizer: WordPiece with the BERT normalizer and pre-tokenizer", "[tokenizer]") {
  json vocab = {{"[UNK]", 0}, {"[CLS]", 1}, {"[SEP]", 2}, {"un", 3}, {"##aff", 4}, {"##able", 5},
                {"cafe", 6}, {"!", 7}, {"\xE4\xBD\xA0", 8}};
  json doc = {{"normalizer", {{"type", "BertNormalizer"}, {"lowercase", true}}},
              {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
              {"model", {{"type", "WordPiece"}, {"vocab", vocab}}},
              {"post_processor", {{"type", "BertProcessing"}, {"sep", {"[SEP]", 2}}, {"cls", {"[CLS]", 1}}}},
              {"decoder", {{"type", "WordPiece"}}}};
  auto t = load(doc);
  CHECK(encode(*t, "Unaffable CAF\xC3\x89!", true) == std::vector<uint32_t>{1, 3, 4, 5, 6, 7, 2});
  CHECK(encode(*t, "\xE4\xBD\xA0\xE4\xBD\xA0 xyz") == std::vector<uint32_t>{8, 8, 0});
  CHECK(*t->decode({3, 4, 5, 6, 7}, false) == "unaffable cafe!");
}

TEST_CASE("tokenizer: Unigram Viterbi and Metaspace", "[tokenizer]") {
  json pieces = json::array();
  for (const auto& [piece, score] : std::vector<std::pair<std::string, double>>{
           {"<unk>", 0.0}, {"\xE2\x96\x81" "he", -1.0}, {"llo", -1.0}, {"\xE2\x96\x81" "hello", -1.5},
           {"\xE2\x96\x81", -3.0}, {"h", -4.0}, {"e", -4.0}, {"l", -4.0}, {"o", -4.0}}) {
    pieces.push_back(json::array({piece, score}));
  }
  json doc = {{"pre_tokenizer", {{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "always"}}},
              {"model", {{"type", "Unigram"}, {"vocab", pieces}, {"unk_id", 0}}},
              {"decoder", {{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "always"}}}};
  auto t = load(doc);
  CHECK(encode(*t, "hello") == std::vector<uint32_t>{3});  // -1.5 beats -1 + -1
  CHECK(encode(*t, "hello xx") == std::vector<uint32_t>{3, 4, 0});
  CHECK(*t->decode({3, 1, 2}, false) == "hello hello");
}

TEST_CASE("tokenizer: bad files fail to load with a reason", "[tokenizer][attack]") {
  auto reason = [](const std::string& text) {
    auto t = Tokenizer::from_json(text);
    REQUIRE_FALSE(t.ok());
    return t.status().reason();
  };
  CHECK(reason("not json") == "tokenizer_bad_json");
  CHECK(reason(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a)") == "tokenizer_bad_json");
  CHECK(reason(R"({"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}})") == "tokenizer_bad_model");
  CHECK(reason(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}})") == "tokenizer_bad_model");
  CHECK(reason(R"({"model": {"type": "Nope"}})") == "tokenizer_bad_model");
  CHECK(reason(R"({"model": {"type": "WordLevel", "vocab": {}}, "normalizer": {"type": "Precompiled"}})") ==
        "tokenizer_bad_normalizer");
  CHECK(reason(R"({"model": {"type": "WordLevel", "vocab": {}}, "pre_tokenizer": {"type": "Split",
      "pattern": {"Regex": "(?<=a+)b"}, "behavior": "Isolated"}})") == "tokenizer_bad_regex");
  CHECK(reason(R"({"model": {"type": "WordLevel", "vocab": {}}, "decoder": {"type": 7}})") == "tokenizer_bad_json");
  std::string deep = R"({"model": {"type": "WordLevel", "vocab": {}}, "normalizer": )";
  for (int i = 0; i < 100000; ++i) deep += R"({"type": "Sequence", "normalizers": [)";
  CHECK(reason(deep) == "tokenizer_bad_json");
}

TEST_CASE("tokenizer: a million merges naming missing tokens fail fast", "[tokenizer][attack]") {
  std::string text = R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [)";
  for (int i = 0; i < 1000000; ++i) text += i == 0 ? R"("x y")" : R"(,"x y")";
  text += "]}}";
  auto t = Tokenizer::from_json(text);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().find("'x'") != std::string::npos);
}
