// Tool-call parsers with grammars of their own (pythonic and sarashina's Python literals,
// cohere, inkling, kimi_k3): never crash or recurse without bound, and chunked streams add up
// to the whole-text result.
#include "tests/fuzz/tool_call_parser_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return smg::parsers::fuzz::run_tool_call_fuzz(
      {"pythonic", "sarashina", "cohere", "inkling", "kimi_k3"}, data, size);
}
