#include "common/tokenizer/unicode.h"

#include <catch2/catch.hpp>

using namespace smg::tokenizer;

TEST_CASE("tokenizer unicode: UTF-8 validity and lossy decoding", "[tokenizer]") {
  CHECK(is_valid_utf8("h\xC3\xA9llo \xF0\x9F\x99\x82"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  // Maximal subparts: a truncated 3-byte sequence is one U+FFFD, each stray byte another.
  CHECK(utf8_lossy("a\xE2\x82z") == "a\xEF\xBF\xBDz");
  CHECK(utf8_lossy("\x80\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(utf8_lossy("\xF0\x9F\x99") == "\xEF\xBF\xBD");
  CHECK(count_chars("h\xC3\xA9\xF0\x9F\x99\x82") == 3);
}

TEST_CASE("tokenizer unicode: classes, lower-casing and normal forms", "[tokenizer]") {
  CHECK(is_whitespace(0x85));
  CHECK(is_whitespace(0x3000));
  CHECK_FALSE(is_whitespace(0x200B));
  CHECK(is_word_char(U'é'));
  CHECK(is_word_char(0x301));  // a combining mark
  CHECK_FALSE(is_word_char(U'-'));
  CHECK(is_numeric(U'½'));
  CHECK(is_punctuation(U'«'));
  std::string lower;
  append_lowercase(lower, 0x130);
  append_lowercase(lower, U'Ä');
  CHECK(lower == "i\xCC\x87\xC3\xA4");
  CHECK(normalize_form("e\xCC\x81", NormalForm::kNfc) == "\xC3\xA9");
  CHECK(normalize_form("\xC3\xA9", NormalForm::kNfd) == "e\xCC\x81");
  CHECK(normalize_form("\xEF\xAC\x81", NormalForm::kNfkc) == "fi");
}
