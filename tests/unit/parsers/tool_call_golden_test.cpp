// SMG's own tool-parser cases (tests/data/parsers/tool_calls): the whole-text result, and the
// same result from every two-way split and from one character per chunk.
#include <catch2/catch.hpp>

#include "tests/unit/parsers/golden_cases.h"

using namespace smg::parsers;
using namespace smg::parsers::testing;

namespace {

ToolSpecs tools_of(const OrderedJson& item) {
  if (!item.contains("tools")) return {};
  auto specs = tool_specs_from_json(nlohmann::json::parse(item["tools"].dump()));
  REQUIRE(specs.ok());
  return *specs;
}

// Calls as comparable JSON: arguments parsed when they are JSON, else kept as text.
OrderedJson calls_json(const std::vector<ToolCall>& calls) {
  OrderedJson out = OrderedJson::array();
  for (const auto& call : calls) {
    OrderedJson arguments = OrderedJson::parse(call.arguments, nullptr, false);
    if (arguments.is_discarded()) {
      out.push_back({{"name", call.name}, {"arguments_text", call.arguments}});
    } else {
      out.push_back({{"name", call.name}, {"arguments", arguments}});
    }
  }
  return out;
}

void check_result(const ToolCallResult& got, const OrderedJson& expected) {
  CHECK(got.remaining_text == expected["remaining_text"].get<std::string>());
  CHECK(calls_json(got.calls).dump() == expected["tool_calls"].dump());
}

void check_whole_text(const std::vector<OrderedJson>& cases) {
  for (const auto& item : cases) {
    INFO(item["source"].get<std::string>() << " :: " << item["name"].get<std::string>());
    auto format = make_tool_call_format(item["parser"].get<std::string>());
    REQUIRE(format != nullptr);
    check_result(format->parse(item["text"].get<std::string>(), tools_of(item)),
                 item["expected"]);
  }
}

void check_splits(const std::vector<OrderedJson>& cases) {
  for (const auto& item : cases) {
    INFO(item["source"].get<std::string>() << " :: " << item["name"].get<std::string>());
    auto format = make_tool_call_format(item["parser"].get<std::string>());
    REQUIRE(format != nullptr);
    std::string text = item["text"].get<std::string>();
    ToolSpecs tools = tools_of(item);
    for (std::size_t cut : cut_points(text.size())) {
      INFO("cut at byte " << cut);
      std::string error;
      auto sum = stream_tool_calls(format, tools, {text.substr(0, cut), text.substr(cut)}, &error);
      REQUIRE(error.empty());
      check_result(sum, item["expected"]);
    }
    std::string error;
    check_result(stream_tool_calls(format, tools, characters(text), &error), item["expected"]);
    CHECK(error.empty());
  }
}

}  // namespace

TEST_CASE("tool call parsers: SMG's golden cases, whole text", "[parsers][tool_calls][golden]") {
  auto cases = golden_cases("tool_calls");
  REQUIRE(cases.size() >= 280);
  check_whole_text(cases);
}

TEST_CASE("tool call parsers: every split of a golden input gives the whole result",
          "[parsers][tool_calls][golden][streaming]") {
  check_splits(golden_cases("tool_calls"));
}

// Our own cases per parser: unclosed markers, truncation right after a start marker, invalid
// JSON arguments, undeclared tool names, nested quotes, Unicode, two calls and trailing text.
TEST_CASE("tool call parsers: malformed input never fails and splits cleanly",
          "[parsers][tool_calls][attack]") {
  auto cases = golden_cases("tool_calls_malformed");
  REQUIRE(cases.size() >= 130);
  check_whole_text(cases);
  check_splits(cases);
}
