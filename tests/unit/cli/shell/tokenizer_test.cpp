#include <catch2/catch.hpp>

#include "cli/shell/tokenizer.h"

using smg::cli::shell::quote_word;
using smg::cli::shell::split_partial;
using smg::cli::shell::split_words;
using Words = std::vector<std::string>;

TEST_CASE("shell tokenizer: splits on whitespace and keeps quoted text", "[shell][tokenizer]") {
  CHECK(*split_words("  workers   list\t-o json ") == Words{"workers", "list", "-o", "json"});
  CHECK(*split_words("jwt decode 'a b  c'") == Words{"jwt", "decode", "a b  c"});
  CHECK(*split_words(R"(x "a \"quoted\" \\ word")") == Words{"x", R"(a "quoted" \ word)"});
  CHECK(*split_words(R"(x "keep \n as is")") == Words{"x", R"(keep \n as is)"});
  CHECK(*split_words(R"(x 'no \escape here')") == Words{"x", R"(no \escape here)"});
  CHECK(*split_words(R"(x a\ b \'c)") == Words{"x", "a b", "'c"});
  CHECK(*split_words("x pre'mid dle'post") == Words{"x", "premid dlepost"});
  CHECK(split_words("   ")->empty());
}

TEST_CASE("shell tokenizer: empty quotes make an empty word", "[shell][tokenizer]") {
  CHECK(*split_words("x '' \"\"") == Words{"x", "", ""});
}

TEST_CASE("shell tokenizer: a hash at a word start begins a comment", "[shell][tokenizer]") {
  CHECK(*split_words("version # prints the version") == Words{"version"});
  CHECK(split_words("# only a comment")->empty());
  CHECK(*split_words("keys generate --id a#b '#quoted'") ==
        Words{"keys", "generate", "--id", "a#b", "#quoted"});
}

TEST_CASE("shell tokenizer: incomplete lines are errors", "[shell][tokenizer]") {
  CHECK(split_words("jwt decode 'abc").status().reason() == "unterminated_quote");
  CHECK(split_words("jwt decode \"abc").status().reason() == "unterminated_quote");
  CHECK(split_words("jwt decode abc\\").status().reason() == "trailing_backslash");
}

TEST_CASE("shell tokenizer: a partial line gives the word at the cursor", "[shell][tokenizer]") {
  auto partial = split_partial("workers get ab");
  CHECK(partial.words == Words{"workers", "get"});
  CHECK(partial.current == "ab");
  CHECK(partial.open_quote == 0);

  partial = split_partial("workers get ");
  CHECK(partial.words == Words{"workers", "get"});
  CHECK(partial.current.empty());

  partial = split_partial("jwt decode 'a b");
  CHECK(partial.words == Words{"jwt", "decode"});
  CHECK(partial.current == "a b");
  CHECK(partial.open_quote == '\'');

  CHECK(split_partial("").words.empty());
}

TEST_CASE("shell tokenizer: quote_word round-trips through split_words", "[shell][tokenizer]") {
  for (std::string word : {"plain", "two words", "it's", "a\"b", "back\\slash", "#hash", ""}) {
    auto words = split_words("x " + quote_word(word));
    REQUIRE(words.ok());
    CHECK(*words == Words{"x", word});
  }
  CHECK(quote_word("plain-word_1") == "plain-word_1");
}
