// SMG's own reasoning-parser cases (tests/data/parsers/reasoning): the whole-text result, and
// the same result from every two-way split and from one character per chunk.
#include <catch2/catch.hpp>

#include "tests/unit/parsers/golden_cases.h"

using namespace smg::parsers;
using namespace smg::parsers::testing;

TEST_CASE("reasoning parsers: SMG's golden cases, whole text and every split",
          "[parsers][reasoning][golden][streaming]") {
  auto cases = golden_cases("reasoning");
  REQUIRE(cases.size() >= 35);
  for (const auto& item : cases) {
    INFO(item["source"].get<std::string>() << " :: " << item["name"].get<std::string>());
    auto format = make_reasoning_format(item["parser"].get<std::string>());
    REQUIRE(format != nullptr);
    std::string text = item["text"].get<std::string>();
    std::string normal = item["expected"]["normal_text"].get<std::string>();
    std::string reasoning = item["expected"]["reasoning_text"].get<std::string>();
    auto whole = format->parse(text);
    REQUIRE(whole.ok());
    CHECK(whole->normal_text == normal);
    CHECK(whole->reasoning_text == reasoning);
    for (std::size_t cut : cut_points(text.size())) {
      INFO("cut at byte " << cut);
      std::string error;
      auto sum = stream_reasoning(format, {text.substr(0, cut), text.substr(cut)}, &error);
      REQUIRE(error.empty());
      CHECK(sum.normal_text == normal);
      CHECK(sum.reasoning_text == reasoning);
    }
    std::string error;
    auto sum = stream_reasoning(format, characters(text), &error);
    CHECK(error.empty());
    CHECK(sum.normal_text == normal);
    CHECK(sum.reasoning_text == reasoning);
  }
}
