// Every reasoning parser: never crashes, and a chunked stream adds up to the whole-text result.
// The first input byte picks the parser and the chunk sizes; the rest is model output.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/parsers/reasoning_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& names = smg::parsers::reasoning_format_names();
  auto format = smg::parsers::make_reasoning_format(names[data[0] % names.size()]);
  std::size_t step = data[0] / names.size() % 7 + 1;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = format->parse(text);
  if (!whole.ok()) std::abort();

  smg::parsers::ReasoningStream stream(format);
  smg::parsers::ReasoningResult sum;
  auto add = [&](const smg::Result<smg::parsers::ReasoningResult>& delta) {
    if (!delta.ok()) std::abort();
    sum.normal_text += delta->normal_text;
    sum.reasoning_text += delta->reasoning_text;
  };
  for (std::size_t at = 0, n = step; at < text.size(); at += n, n = n % 13 + step) {
    add(stream.feed(text.substr(at, n)));
  }
  add(stream.finish());
  if (sum.normal_text != whole->normal_text || sum.reasoning_text != whole->reasoning_text) {
    std::abort();
  }
  return 0;
}
