// The GPT-2 byte-to-character table used by byte-level BPE: every byte maps to one printable
// character ('!'..'~', '¡'..'¬', '®'..'ÿ' to themselves, the other 68 bytes to U+0100 upwards).
// Thread-safety: immutable tables built once.
//
//   std::string mapped = smg::tokenizer::bytes_to_chars("a b");  // "aĠb"
//   std::optional<std::string> raw = smg::tokenizer::chars_to_bytes("aĠb");  // "a b"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smg::tokenizer {

// Each byte of `bytes` as its byte-level character (UTF-8).
std::string bytes_to_chars(std::string_view bytes);
void append_bytes_as_chars(std::string& out, std::string_view bytes);
// The bytes behind a string of byte-level characters; nullopt if any character is not one.
std::optional<std::string> chars_to_bytes(std::string_view chars);

}  // namespace smg::tokenizer
