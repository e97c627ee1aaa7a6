#include "common/tokenizer/regex.h"

#include <catch2/catch.hpp>

using namespace smg::tokenizer;

namespace {
std::vector<std::string> pieces(const std::string& pattern, const std::string& text) {
  auto re = Regex::compile(pattern);
  REQUIRE(re.ok());
  std::vector<Span> spans;
  REQUIRE((*re)->find_all(text, spans).ok());
  std::vector<std::string> out;
  for (const Span& s : spans) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}
}  // namespace

TEST_CASE("tokenizer regex: Oniguruma meanings of \\s and \\w", "[tokenizer]") {
  CHECK(translate_pattern(R"(\s+(?!\S))") == R"([\t-\r\x{85}\p{Z}]+(?![^\t-\r\x{85}\p{Z}]))");
  CHECK(translate_pattern(R"([^\s\p{L}])") == R"([^\t-\r\x{85}\p{Z}\p{L}])");
  CHECK(translate_pattern(R"([]\s])") == R"([]\t-\r\x{85}\p{Z}])");
  // U+0085 is whitespace for Oniguruma; U+180E (now a format character) is not.
  CHECK(pieces(R"(\s+)", "a\xC2\x85 b") == std::vector<std::string>{"\xC2\x85 "});
  CHECK(pieces(R"(\w+)", "e\xCC\x81t\xC3\xA9 x_1") == std::vector<std::string>{"e\xCC\x81t\xC3\xA9", "x_1"});
}

TEST_CASE("tokenizer regex: GPT-2 style split and empty matches", "[tokenizer]") {
  CHECK(pieces(R"('s|'t| ?\p{L}+| ?\p{N}+|\s+(?!\S)|\s+)", "it's  42 go") ==
        std::vector<std::string>{"it", "'s", " ", " 42", " go"});
  CHECK(pieces("x*", "ab").size() == 3);  // empty matches at 0, 1 and 2
}

TEST_CASE("tokenizer regex: a pattern PCRE2 refuses is a load error naming it", "[tokenizer]") {
  auto re = Regex::compile("(unclosed");
  REQUIRE_FALSE(re.ok());
  CHECK(re.status().reason() == "tokenizer_bad_regex");
  CHECK(re.status().message().find("(unclosed") != std::string::npos);
}
