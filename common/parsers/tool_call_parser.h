// Tool-call parsers: extract function calls from a model's output in each of SMG's formats
// as whole text or incrementally.
//
// A ToolCallFormat is stateless: `parse` gives SMG's `parse_complete_with_tools` result for a
// whole output, and `settled` says what is already certain about that result from a prefix of
// the output (normal text that will start `remaining_text`, calls that will start `tool_calls`).
// ToolCallStream turns `settled` into deltas, and at `finish` parses the whole text, so the
// deltas of any chunking add up to exactly what `parse` gives for the whole output.
// Thread-safety: formats are immutable and shareable; a ToolCallStream is one caller's.
//
//   auto format = smg::parsers::make_tool_call_format("qwen");   // nullptr: unknown name
//   auto result = format->parse(text, tools);          // result.remaining_text, result.calls
//   smg::parsers::ToolCallStream stream(format, tools);
//   for (auto chunk : chunks) { auto delta = stream.feed(chunk); ... }
//   auto last = stream.finish();
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace smg::parsers {

// One tool the request declares; `parameters` is its JSON schema (object or null).
struct ToolSpec {
  std::string name;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
};
using ToolSpecs = std::vector<ToolSpec>;

// Reads an OpenAI `tools` array ([{"type":"function","function":{"name",...}}]). Entries that
// are not objects with a string function name are refused with reason "invalid_tools".
Result<ToolSpecs> tool_specs_from_json(const nlohmann::json& tools);

struct ToolCall {
  std::string name;
  std::string arguments;  // JSON text, as SMG gives it
  bool operator==(const ToolCall&) const = default;
};

struct ToolCallResult {
  std::string remaining_text;
  std::vector<ToolCall> calls;
};

class ToolCallFormat {
 public:
  virtual ~ToolCallFormat() = default;
  // The whole output. Malformed calls never fail: they stay in the text or are skipped, as SMG.
  virtual ToolCallResult parse(std::string_view text, const ToolSpecs& tools) const = 0;
  // What is certain from a prefix whatever follows: `remaining_text` is a prefix of the final
  // remaining text and `calls` a prefix of the final calls. The default knows nothing.
  virtual ToolCallResult settled(std::string_view prefix, const ToolSpecs& tools) const;
};

// The names SMG registers (crates/tool_parser/src/factory.rs), sorted.
const std::vector<std::string>& tool_call_format_names();
// nullptr when `name` is not one of them.
std::shared_ptr<const ToolCallFormat> make_tool_call_format(std::string_view name);

// A call announced or extended by a chunk: `name` is set on the call's first delta.
struct ToolCallDelta {
  std::size_t index = 0;
  std::string name;
  std::string arguments;  // appended to what earlier deltas of this call gave
};

struct ToolCallDeltas {
  std::string normal_text;
  std::vector<ToolCallDelta> calls;
};

class ToolCallStream {
 public:
  static constexpr std::size_t kDefaultMaxBuffer = 4 * 1024 * 1024;
  // Up to this many bytes every chunk yields its deltas; beyond, they come in steps of 1/16.
  static constexpr std::size_t kSettleEachChunkUpTo = 16 * 1024;

  ToolCallStream(std::shared_ptr<const ToolCallFormat> format, ToolSpecs tools,
                 std::size_t max_buffer = kDefaultMaxBuffer);

  // Fails with reason "buffer_overflow" once the output exceeds max_buffer bytes.
  Result<ToolCallDeltas> feed(std::string_view chunk);
  // The rest of the result. REQUIRES: called once, after the last feed.
  Result<ToolCallDeltas> finish();

 private:
  ToolCallDeltas advance_to(const ToolCallResult& known, bool at_end);

  std::shared_ptr<const ToolCallFormat> format_;
  ToolSpecs tools_;
  std::size_t max_buffer_;
  std::string text_;
  std::size_t settled_at_ = 0;
  std::string normal_sent_;
  std::vector<ToolCall> calls_sent_;
  bool consistent_ = true;
};

}  // namespace smg::parsers
