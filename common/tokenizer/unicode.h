// Unicode helpers for the tokenizer: UTF-8 decoding, the character classes Hugging Face's
// `tokenizers` uses (Rust's char::is_whitespace, is_alphanumeric, general categories), full
// lower-casing and the four normal forms (utf8proc), and String::from_utf8_lossy.
// Thread-safety: pure functions.
//
//   smg::tokenizer::for_each_char("héllo", [](char32_t c, std::size_t at, std::size_t len) {...});
//   std::string nfc = smg::tokenizer::normalize_form("e\u0301", smg::tokenizer::NormalForm::kNfc);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace smg::tokenizer {

bool is_valid_utf8(std::string_view text);
// REQUIRES: `at` is a character boundary of valid UTF-8. Returns the code point, sets `length`.
char32_t decode_char(std::string_view text, std::size_t at, std::size_t& length);
void append_utf8(std::string& out, char32_t c);
std::size_t count_chars(std::string_view text);  // Unicode scalars in valid UTF-8

template <typename Fn>
void for_each_char(std::string_view text, Fn&& fn) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t length = 0;
    char32_t c = decode_char(text, at, length);
    fn(c, at, length);
    at += length;
  }
}

// Rust's char::is_whitespace (the White_Space property).
bool is_whitespace(char32_t c);
// General category checks (utf8proc's Unicode data).
bool is_letter(char32_t c);
bool is_mark(char32_t c);
bool is_nonspacing_mark(char32_t c);
bool is_numeric(char32_t c);  // Rust's char::is_numeric: Nd, Nl, No
bool is_punctuation(char32_t c);  // any P* category
bool is_other(char32_t c);  // Cc, Cf, Cs, Co, Cn
bool is_alphanumeric(char32_t c);
// The regex crate's \w (alphabetic, marks, decimal digits, connector punctuation, joiners).
bool is_word_char(char32_t c);

// Rust's char::to_lowercase, appended as UTF-8 (one scalar, or two for U+0130).
void append_lowercase(std::string& out, char32_t c);

enum class NormalForm { kNfc, kNfd, kNfkc, kNfkd };
// REQUIRES: valid UTF-8.
std::string normalize_form(std::string_view text, NormalForm form);

// Rust's String::from_utf8_lossy: each maximal invalid subsequence becomes U+FFFD.
std::string utf8_lossy(std::string_view bytes);

}  // namespace smg::tokenizer
