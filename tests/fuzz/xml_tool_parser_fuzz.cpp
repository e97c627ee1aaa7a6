// XML-style tool-call parsers with schema-typed coercion (qwen_xml, glm45_moe, glm47_moe, step3,
// minimax_m2, deepseek32, deepseek_v4): never crash, and chunked streams add up to the
// whole-text result.
#include "tests/fuzz/tool_call_parser_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return smg::parsers::fuzz::run_tool_call_fuzz(
      {"qwen_xml", "glm45_moe", "glm47_moe", "step3", "minimax_m2", "deepseek32", "deepseek_v4"},
      data, size);
}
