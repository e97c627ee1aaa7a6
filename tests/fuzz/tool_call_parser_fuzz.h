// Shared body of the tool-call parser fuzz targets: the first input byte picks the parser of the
// family and the chunk sizes, the rest is model output. No input may crash a parser, and the
// deltas of a chunked stream must add up to the whole-text result.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/parsers/tool_call_parser.h"

namespace smg::parsers::fuzz {

inline ToolSpecs fuzz_tools() {
  auto tools = tool_specs_from_json(nlohmann::json::parse(R"([
    {"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{
      "query":{"type":"string"},"limit":{"type":"integer"},"ratio":{"type":"number"},
      "exact":{"type":"boolean"},"filters":{"type":"object"},"tags":{"type":"array"}}}}},
    {"type":"function","function":{"name":"get_weather"}}])"));
  return *tools;
}

inline int run_tool_call_fuzz(const std::vector<const char*>& names, const uint8_t* data,
                              size_t size) {
  if (size == 0) return 0;
  static const ToolSpecs tools = fuzz_tools();
  const char* name = names[data[0] % names.size()];
  std::size_t step = data[0] / names.size() % 7 + 1;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto format = make_tool_call_format(name);
  if (format == nullptr) std::abort();
  ToolCallResult whole = format->parse(text, tools);

  ToolCallStream stream(format, tools);
  ToolCallResult sum;
  auto add = [&](const Result<ToolCallDeltas>& deltas) {
    if (!deltas.ok()) std::abort();  // stream_inconsistent: settled() contradicted parse()
    sum.remaining_text += deltas->normal_text;
    for (const auto& delta : deltas->calls) {
      if (delta.index == sum.calls.size()) sum.calls.push_back({delta.name, ""});
      sum.calls.at(delta.index).arguments += delta.arguments;
    }
  };
  for (std::size_t at = 0, n = step; at < text.size(); at += n, n = n % 13 + step) {
    add(stream.feed(text.substr(at, n)));
  }
  add(stream.finish());
  if (sum.remaining_text != whole.remaining_text || !(sum.calls == whole.calls)) std::abort();
  return 0;
}

}  // namespace smg::parsers::fuzz
