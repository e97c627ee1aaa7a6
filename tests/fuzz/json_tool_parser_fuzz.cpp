// JSON-family tool-call parsers (json, mistral, llama, qwen, deepseek, deepseek31, kimik2,
// passthrough): never crash, and chunked streams add up to the whole-text result.
#include "tests/fuzz/tool_call_parser_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return smg::parsers::fuzz::run_tool_call_fuzz(
      {"json", "mistral", "llama", "qwen", "deepseek", "deepseek31", "kimik2", "passthrough"},
      data, size);
}
