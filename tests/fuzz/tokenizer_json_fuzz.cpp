// tokenizer.json loader: any bytes either fail to load with a reason or give a tokenizer that
// encodes and decodes any text without crashing (fuzzed regexes included: PCRE2 limits apply).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tokenizer = smg::tokenizer::Tokenizer::from_json(text);
  if (!tokenizer.ok()) {
    if (tokenizer.status().reason().empty()) std::abort();  // every failure names its reason
    return 0;
  }
  for (std::string_view sample : {std::string_view("Hello world, it's 2024! \xE6\x97\xA5\xE6\x9C\xAC"), text}) {
    for (bool special : {false, true}) {
      auto ids = (*tokenizer)->encode(sample, special);
      if (ids.ok()) (void)(*tokenizer)->decode(*ids, !special);
    }
  }
  (void)(*tokenizer)->decode({0, 1, 2, 3, 0xFFFFFFFFu}, false);
  return 0;
}
