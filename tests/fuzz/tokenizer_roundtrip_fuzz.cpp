// Byte-level BPE round trip: for every valid UTF-8 text, decode(encode(x)) == x, with and
// without special tokens in the text; invalid UTF-8 is refused, never guessed at.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/tokenizer/byte_level.h"
#include "common/tokenizer/tokenizer.h"
#include "common/tokenizer/unicode.h"

namespace {

const smg::tokenizer::Tokenizer& byte_level() {
  // GPT-2's layout: all 256 byte characters, a few merges, one special token.
  static const auto kTokenizer = [] {
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) {
      std::string bytes(1, static_cast<char>(b));
      vocab[smg::tokenizer::bytes_to_chars(bytes)] = b;
    }
    nlohmann::json merges = nlohmann::json::array();
    for (const char* pair : {"\xC4\xA0 t", "h e", "\xC4\xA0t he", "i n", "e r", "\xC4\xA0 a"}) {
      std::string text(pair);
      std::size_t space = text.find(' ');
      std::string joined = text.substr(0, space) + text.substr(space + 1);
      if (!vocab.contains(joined)) vocab[joined] = vocab.size();
      merges.push_back(text);
    }
    nlohmann::json doc = {
        {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}, {"ignore_merges", true}}},
        {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
        {"decoder", {{"type", "ByteLevel"}}},
        {"added_tokens", {{{"id", 1000}, {"content", "<|end|>"}, {"special", true}, {"normalized", false}}}}};
    auto loaded = smg::tokenizer::Tokenizer::from_json(doc.dump());
    if (!loaded.ok()) std::abort();
    return *loaded;
  }();
  return *kTokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& tokenizer = byte_level();
  auto ids = tokenizer.encode(text, false);
  if (!smg::tokenizer::is_valid_utf8(text)) {
    if (ids.ok()) std::abort();
    return 0;
  }
  if (!ids.ok()) std::abort();
  auto decoded = tokenizer.decode(*ids, false);
  if (!decoded.ok() || *decoded != text) std::abort();
  return 0;
}
