#include "common/parsers/internal/block_format.h"

namespace smg::parsers::internal {

std::vector<ToolCall> BlockFormat::complete_calls(std::string_view text, const ToolSpecs& tools,
                                                  std::size_t* first_call_at) const {
  std::vector<ToolCall> calls;
  *first_call_at = kNpos;
  std::size_t from = 0;
  auto next = [&](std::size_t at) {
    return spec_.find_next ? spec_.find_next(text, at)
                           : find_block(text, spec_.open, spec_.close, at);
  };
  while (auto block = next(from)) {
    auto found = spec_.parse_block(text.substr(block->begin, block->end - block->begin),
                                   block->inner(text), tools);
    if (!found.empty() && *first_call_at == kNpos) *first_call_at = block->begin;
    for (auto& call : found) calls.push_back(std::move(call));
    from = block->end;
  }
  return calls;
}

ToolCallResult BlockFormat::parse(std::string_view text, const ToolSpecs& tools) const {
  std::size_t marker_at = text.find(spec_.section_marker);
  if (marker_at == kNpos) return {std::string(text), {}};
  std::size_t first_call_at = kNpos;
  std::vector<ToolCall> calls = complete_calls(text, tools, &first_call_at);
  std::string_view normal = text.substr(0, marker_at);
  if (spec_.trim_normal_end) normal = trim_end(normal);
  if (calls.empty()) {
    return {std::string(spec_.all_text_without_calls ? text : normal), {}};
  }
  if (spec_.normal_until_first_call) normal = text.substr(0, first_call_at);
  return {std::string(normal), std::move(calls)};
}

ToolCallResult BlockFormat::settled(std::string_view prefix, const ToolSpecs& tools) const {
  bool marker_seen = false;
  std::string_view normal = text_before_marker(prefix, spec_.section_marker, &marker_seen);
  if (spec_.trim_normal_end) normal = trim_end(normal);
  ToolCallResult known{std::string(normal), {}};
  if (marker_seen) {
    std::size_t first_call_at = kNpos;
    known.calls = complete_calls(prefix, tools, &first_call_at);
  }
  return known;
}

}  // namespace smg::parsers::internal
