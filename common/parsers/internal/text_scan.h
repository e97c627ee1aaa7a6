// Text scanning shared by the parsers: marker search, partial-marker hold-back for streaming,
// Unicode-aware trimming (Rust's char::is_whitespace, which SMG's parsers use) and UTF-8 edges.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace smg::parsers::internal {

inline constexpr std::size_t kNpos = std::string_view::npos;

// Length of the longest suffix of `text` that is a proper prefix of `marker` (0 if none).
std::size_t partial_suffix(std::string_view text, std::string_view marker);
std::size_t partial_suffix_any(std::string_view text,
                               std::initializer_list<std::string_view> markers);

// Text of `prefix` certainly before `marker`: up to the marker when present, else all but a
// partial marker at the end. `found` tells which.
std::string_view text_before_marker(std::string_view prefix, std::string_view marker,
                                    bool* found = nullptr);

bool is_unicode_space(char32_t c);
std::string_view trim(std::string_view text);
std::string_view trim_start(std::string_view text);
std::string_view trim_end(std::string_view text);

std::string replace_all(std::string_view text, std::string_view from, std::string_view to);

// "<open>(.*?)<close>" from `from` on: the first open, then the first close after it.
struct Block {
  std::size_t begin = 0;        // at the open marker
  std::size_t inner_begin = 0;  // after it
  std::size_t inner_end = 0;    // at the close marker
  std::size_t end = 0;          // after the close marker
  std::string_view inner(std::string_view text) const {
    return text.substr(inner_begin, inner_end - inner_begin);
  }
};
std::optional<Block> find_block(std::string_view text, std::string_view open,
                                std::string_view close, std::size_t from = 0);

// Bytes of `text` that form complete UTF-8 sequences (a cut mid-character is held back).
std::size_t complete_utf8_prefix(std::string_view text);

}  // namespace smg::parsers::internal
