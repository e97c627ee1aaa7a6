#include "common/tokenizer/byte_level.h"

#include <array>
#include <unordered_map>

#include "common/tokenizer/unicode.h"

namespace smg::tokenizer {
namespace {

struct Tables {
  std::array<std::string, 256> byte_to_utf8;
  std::unordered_map<char32_t, unsigned char> char_to_byte;
  Tables() {
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char32_t c = printable ? static_cast<char32_t>(b) : next++;
      append_utf8(byte_to_utf8[b], c);
      char_to_byte[c] = static_cast<unsigned char>(b);
    }
  }
};

const Tables& tables() {
  static const Tables kTables;
  return kTables;
}

}  // namespace

void append_bytes_as_chars(std::string& out, std::string_view bytes) {
  const Tables& t = tables();
  for (char byte : bytes) out += t.byte_to_utf8[static_cast<unsigned char>(byte)];
}

std::string bytes_to_chars(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  append_bytes_as_chars(out, bytes);
  return out;
}

std::optional<std::string> chars_to_bytes(std::string_view chars) {
  const Tables& t = tables();
  std::string out;
  out.reserve(chars.size());
  std::size_t at = 0;
  while (at < chars.size()) {
    std::size_t length = 0;
    char32_t c = decode_char(chars, at, length);
    auto found = t.char_to_byte.find(c);
    if (found == t.char_to_byte.end()) return std::nullopt;
    out.push_back(static_cast<char>(found->second));
    at += length;
  }
  return out;
}

}  // namespace smg::tokenizer
