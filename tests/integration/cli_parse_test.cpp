// smgctl parse ... --offline: the gateway's parsers run locally, with the gateway's answer shapes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/support/process.h"

using nlohmann::json;
using smg::test::run_smgctl;

namespace {

std::map<std::string, std::string> offline_env() {
  return {{"SMG_TOKEN", ""}, {"XDG_CONFIG_HOME", "/nonexistent"}};
}

}  // namespace

TEST_CASE("cli parse: reasoning --offline splits thinking from the answer", "[cli][parse]") {
  auto result = run_smgctl({"parse", "reasoning", "--offline", "--parser", "deepseek_r1",
                            "--text", "step one</think>The answer", "-o", "json"},
                           "", offline_env());
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == json{{"normal_text", "The answer"},
                                        {"reasoning_text", "step one"},
                                        {"success", true}});
  auto table = run_smgctl({"parse", "reasoning", "--offline", "--parser", "qwen3"},
                          "<think>hmm</think>ok", offline_env());
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("FIELD") != std::string::npos);
  CHECK(table.out.find("reasoning_text  hmm") != std::string::npos);
}

TEST_CASE("cli parse: function-call --offline reads stdin and a tools file", "[cli][parse]") {
  std::string tools_path = std::string(SMG_BUILD_DIR) + "/cli_parse_test_tools.json";
  std::ofstream(tools_path) << R"([{"type":"function","function":{"name":"get_weather",
      "parameters":{"type":"object","properties":{"days":{"type":"integer"}}}}}])";
  std::string text = "Checking.<tool_call>\n<function=get_weather>\n<parameter=days>3</parameter>\n"
                     "</function>\n</tool_call>";
  auto result = run_smgctl({"parse", "function-call", "--offline", "--parser", "qwen_xml",
                            "--tools", tools_path, "-o", "json"},
                           text, offline_env());
  std::remove(tools_path.c_str());
  REQUIRE(result.exit_code == 0);
  auto answer = json::parse(result.out);
  CHECK(answer["remaining_text"] == "Checking.");
  CHECK(answer["success"] == true);
  REQUIRE(answer["tool_calls"].size() == 1);
  CHECK(answer["tool_calls"][0]["function"]["name"] == "get_weather");
  CHECK(answer["tool_calls"][0]["function"]["arguments"] == "{\"days\":3}");
}

TEST_CASE("cli parse: --offline refuses unknown parsers and a missing --parser",
          "[cli][parse]") {
  auto unknown = run_smgctl({"parse", "function-call", "--offline", "--parser", "hermes",
                             "--text", "x"},
                            "", offline_env());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("Unknown tool parser: hermes") != std::string::npos);
  auto reasoning = run_smgctl({"parse", "reasoning", "--offline", "--parser", "r1",
                               "--text", "x"},
                              "", offline_env());
  CHECK(reasoning.exit_code == 2);
  CHECK(reasoning.err.find("Unknown reasoning parser: r1") != std::string::npos);
  auto missing = run_smgctl({"parse", "reasoning", "--offline", "--text", "x"}, "",
                            offline_env());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--parser") != std::string::npos);
}
