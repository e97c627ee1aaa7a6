// ToolCallStream: deltas from ToolCallFormat::settled, the rest from one whole-text parse at
// finish. The stream never takes back what it sent; a format whose `settled` contradicts its
// `parse` is a bug, reported by finish() as "stream_inconsistent" (tests split every golden
// input to catch it).
#include "common/parsers/tool_call_parser.h"

#include <algorithm>
#include <utility>

#include "common/parsers/internal/text_scan.h"

namespace smg::parsers {

ToolCallResult ToolCallFormat::settled(std::string_view, const ToolSpecs&) const { return {}; }

ToolCallStream::ToolCallStream(std::shared_ptr<const ToolCallFormat> format, ToolSpecs tools,
                               std::size_t max_buffer)
    : format_(std::move(format)), tools_(std::move(tools)), max_buffer_(max_buffer) {}

ToolCallDeltas ToolCallStream::advance_to(const ToolCallResult& known, bool at_end) {
  ToolCallDeltas deltas;
  const std::string& normal = known.remaining_text;
  std::size_t common = std::min(normal.size(), normal_sent_.size());
  if (normal.compare(0, common, normal_sent_, 0, common) != 0) consistent_ = false;
  if (at_end && normal.size() < normal_sent_.size()) consistent_ = false;
  if (normal.size() > normal_sent_.size()) {
    std::string_view added = std::string_view(normal).substr(normal_sent_.size());
    if (!at_end) added = added.substr(0, internal::complete_utf8_prefix(added));
    deltas.normal_text.assign(added);
    normal_sent_.append(added);
  }
  if (at_end && known.calls.size() < calls_sent_.size()) consistent_ = false;
  for (std::size_t i = 0; i < known.calls.size(); ++i) {
    if (i < calls_sent_.size()) {
      if (!(calls_sent_[i] == known.calls[i])) consistent_ = false;
      continue;
    }
    deltas.calls.push_back({i, known.calls[i].name, known.calls[i].arguments});
    calls_sent_.push_back(known.calls[i]);
  }
  return deltas;
}

Result<ToolCallDeltas> ToolCallStream::feed(std::string_view chunk) {
  if (text_.size() + chunk.size() > max_buffer_) {
    return Status(Code::kResourceExhausted, "buffer_overflow",
                  "Buffer overflow: " + std::to_string(text_.size() + chunk.size()) +
                      " bytes exceeds maximum");
  }
  if (chunk.empty()) return ToolCallDeltas{};
  text_.append(chunk);
  // `settled` reads the whole prefix: past kSettleEachChunkUpTo bytes it runs once the text
  // has grown by a sixteenth, which keeps a long stream's total work near linear.
  if (text_.size() > kSettleEachChunkUpTo && (text_.size() - settled_at_) * 16 < text_.size()) {
    return ToolCallDeltas{};
  }
  settled_at_ = text_.size();
  return advance_to(format_->settled(text_, tools_), false);
}

Result<ToolCallDeltas> ToolCallStream::finish() {
  ToolCallDeltas deltas = advance_to(format_->parse(text_, tools_), true);
  if (!consistent_) {
    return internal_error("stream_inconsistent",
                          "the parser's streamed deltas disagree with its whole-text result");
  }
  return deltas;
}

}  // namespace smg::parsers
