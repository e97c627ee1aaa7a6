// Reasoning parsers: split a model's output into reasoning ("thinking") and the answer, in each
// of SMG's formats (crates/reasoning_parser), as whole text or incrementally.
//
// As with tool calls, a ReasoningFormat is stateless: `parse` is SMG's
// detect_and_parse_reasoning on a fresh parser, and `settled` what a prefix already decides
// (a prefix of the final normal text and of the final reasoning text). ReasoningStream turns
// that into deltas whose sum, for any chunking, is exactly `parse` of the whole output.
// Thread-safety: formats are immutable and shareable; a ReasoningStream is one caller's.
//
//   auto format = smg::parsers::make_reasoning_format("deepseek_r1");  // nullptr: unknown
//   auto result = format->parse("step 1</think>answer");  // reasoning "step 1", normal "answer"
//   smg::parsers::ReasoningStream stream(format);
//   auto delta = stream.feed("step 1</thi");                // reasoning "step 1"
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::parsers {

struct ReasoningResult {
  std::string normal_text;
  std::string reasoning_text;
};

// SMG's DEFAULT_MAX_BUFFER_SIZE: longer outputs fail with reason "buffer_overflow".
inline constexpr std::size_t kMaxReasoningBuffer = 4 * 1024 * 1024;

class ReasoningFormat {
 public:
  virtual ~ReasoningFormat() = default;
  Result<ReasoningResult> parse(std::string_view text) const;
  // What is certain from a prefix whatever follows. The default knows nothing.
  virtual ReasoningResult settled(std::string_view prefix) const;

 protected:
  virtual ReasoningResult split(std::string_view text) const = 0;
};

// The names SMG registers (crates/reasoning_parser/src/factory.rs), sorted.
const std::vector<std::string>& reasoning_format_names();
// nullptr when `name` is not one of them.
std::shared_ptr<const ReasoningFormat> make_reasoning_format(std::string_view name);

class ReasoningStream {
 public:
  // Up to this many bytes every chunk yields its deltas; beyond, they come in steps of 1/16.
  static constexpr std::size_t kSettleEachChunkUpTo = 16 * 1024;

  explicit ReasoningStream(std::shared_ptr<const ReasoningFormat> format,
                           std::size_t max_buffer = kMaxReasoningBuffer);
  // Fails with reason "buffer_overflow" once the output exceeds max_buffer bytes.
  Result<ReasoningResult> feed(std::string_view chunk);
  // The rest. REQUIRES: called once, after the last feed.
  Result<ReasoningResult> finish();

 private:
  ReasoningResult advance_to(const ReasoningResult& known, bool at_end);

  std::shared_ptr<const ReasoningFormat> format_;
  std::size_t max_buffer_;
  std::string text_;
  std::size_t settled_at_ = 0;
  std::string normal_sent_;
  std::string reasoning_sent_;
  bool consistent_ = true;
};

}  // namespace smg::parsers
