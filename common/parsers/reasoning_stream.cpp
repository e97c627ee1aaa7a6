// ReasoningStream: deltas from ReasoningFormat::settled, the rest from one whole-text parse at
// finish; a delta never ends inside a UTF-8 character. A `settled` that contradicts `parse` is
// reported by finish() as "stream_inconsistent".
#include "common/parsers/internal/text_scan.h"
#include "common/parsers/reasoning_parser.h"

#include <utility>

namespace smg::parsers {
namespace {

Status overflow(std::size_t size) {
  return Status(Code::kResourceExhausted, "buffer_overflow",
                "Buffer overflow: " + std::to_string(size) + " bytes exceeds maximum");
}

// Appends to `sent` what `known` adds; false when `known` contradicts what was sent.
bool extend(const std::string& known, bool at_end, std::string* sent, std::string* delta) {
  std::size_t common = std::min(known.size(), sent->size());
  if (known.compare(0, common, *sent, 0, common) != 0) return false;
  if (known.size() <= sent->size()) return !at_end || known.size() == sent->size();
  std::string_view added = std::string_view(known).substr(sent->size());
  if (!at_end) added = added.substr(0, internal::complete_utf8_prefix(added));
  delta->assign(added);
  sent->append(added);
  return true;
}

}  // namespace

Result<ReasoningResult> ReasoningFormat::parse(std::string_view text) const {
  if (text.size() > kMaxReasoningBuffer) return overflow(text.size());
  return split(text);
}

ReasoningResult ReasoningFormat::settled(std::string_view) const { return {}; }

ReasoningStream::ReasoningStream(std::shared_ptr<const ReasoningFormat> format,
                                 std::size_t max_buffer)
    : format_(std::move(format)), max_buffer_(max_buffer) {}

ReasoningResult ReasoningStream::advance_to(const ReasoningResult& known, bool at_end) {
  ReasoningResult delta;
  consistent_ = extend(known.normal_text, at_end, &normal_sent_, &delta.normal_text) &&
                consistent_;
  consistent_ = extend(known.reasoning_text, at_end, &reasoning_sent_, &delta.reasoning_text) &&
                consistent_;
  return delta;
}

Result<ReasoningResult> ReasoningStream::feed(std::string_view chunk) {
  if (text_.size() + chunk.size() > max_buffer_) return overflow(text_.size() + chunk.size());
  if (chunk.empty()) return ReasoningResult{};
  text_.append(chunk);
  // `settled` reads the whole prefix: past kSettleEachChunkUpTo bytes it runs once the text
  // has grown by a sixteenth, which keeps a long stream's total work near linear.
  if (text_.size() > kSettleEachChunkUpTo && (text_.size() - settled_at_) * 16 < text_.size()) {
    return ReasoningResult{};
  }
  settled_at_ = text_.size();
  return advance_to(format_->settled(text_), false);
}

Result<ReasoningResult> ReasoningStream::finish() {
  auto whole = format_->parse(text_);
  if (!whole.ok()) return whole.status();
  ReasoningResult delta = advance_to(*whole, true);
  if (!consistent_) {
    return internal_error("stream_inconsistent",
                          "the parser's streamed deltas disagree with its whole-text result");
  }
  return delta;
}

}  // namespace smg::parsers
