#include "common/parsers/internal/text_scan.h"

namespace smg::parsers::internal {
namespace {

// Decodes one UTF-8 scalar at `at`; invalid bytes decode as themselves (never whitespace).
char32_t decode_at(std::string_view text, std::size_t at, std::size_t* length) {
  auto byte = static_cast<unsigned char>(text[at]);
  std::size_t need = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3
                     : (byte >> 3) == 0x1E ? 4 : 1;
  if (need == 1 || at + need > text.size()) {
    *length = 1;
    return byte < 0x80 ? byte : 0xFFFD;
  }
  char32_t value = byte & (0x7F >> need);
  for (std::size_t i = 1; i < need; ++i) {
    auto next = static_cast<unsigned char>(text[at + i]);
    if ((next & 0xC0) != 0x80) {
      *length = 1;
      return 0xFFFD;
    }
    value = (value << 6) | (next & 0x3F);
  }
  *length = need;
  return value;
}

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

std::size_t partial_suffix(std::string_view text, std::string_view marker) {
  std::size_t longest = marker.empty() ? 0 : std::min(text.size(), marker.size() - 1);
  for (std::size_t n = longest; n > 0; --n) {
    if (text.substr(text.size() - n) == marker.substr(0, n)) return n;
  }
  return 0;
}

std::size_t partial_suffix_any(std::string_view text,
                               std::initializer_list<std::string_view> markers) {
  std::size_t longest = 0;
  for (auto marker : markers) longest = std::max(longest, partial_suffix(text, marker));
  return longest;
}

std::string_view text_before_marker(std::string_view prefix, std::string_view marker,
                                    bool* found) {
  std::size_t at = prefix.find(marker);
  if (found != nullptr) *found = at != kNpos;
  if (at != kNpos) return prefix.substr(0, at);
  return prefix.substr(0, prefix.size() - partial_suffix(prefix, marker));
}

bool is_unicode_space(char32_t c) {
  return (c >= 0x9 && c <= 0xD) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

std::string_view trim_start(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t length = 1;
    if (!is_unicode_space(decode_at(text, at, &length))) break;
    at += length;
  }
  return text.substr(at);
}

std::string_view trim_end(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && is_continuation(static_cast<unsigned char>(text[start])) &&
           end - start < 4) {
      --start;
    }
    std::size_t length = 1;
    char32_t c = decode_at(text, start, &length);
    if (start + length != end || !is_unicode_space(c)) break;
    end = start;
  }
  return text.substr(0, end);
}

std::string_view trim(std::string_view text) { return trim_end(trim_start(text)); }

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    std::size_t hit = from.empty() ? kNpos : text.find(from, at);
    if (hit == kNpos) break;
    out.append(text.substr(at, hit - at)).append(to);
    at = hit + from.size();
  }
  out.append(text.substr(at));
  return out;
}

std::optional<Block> find_block(std::string_view text, std::string_view open,
                                std::string_view close, std::size_t from) {
  std::size_t begin = text.find(open, from);
  if (begin == kNpos) return std::nullopt;
  std::size_t inner_begin = begin + open.size();
  std::size_t inner_end = text.find(close, inner_begin);
  if (inner_end == kNpos) return std::nullopt;
  return Block{begin, inner_begin, inner_end, inner_end + close.size()};
}

std::size_t complete_utf8_prefix(std::string_view text) {
  std::size_t end = text.size();
  std::size_t start = end;
  while (start > 0 && end - start < 4 &&
         is_continuation(static_cast<unsigned char>(text[start - 1]))) {
    --start;
  }
  if (start == 0) return end;
  auto lead = static_cast<unsigned char>(text[start - 1]);
  std::size_t need = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                     : (lead >> 3) == 0x1E ? 4 : 1;
  if (need > 1 && end - (start - 1) < need) return start - 1;
  return end;
}

}  // namespace smg::parsers::internal
