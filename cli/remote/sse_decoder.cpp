#include "cli/remote/sse_decoder.h"

namespace smg::cli {
namespace {

constexpr std::size_t kMaxLineBytes = 1 << 20;

}  // namespace

std::vector<SseEvent> SseDecoder::feed(std::string_view chunk) {
  std::vector<SseEvent> events;
  buffer_.append(chunk);
  std::size_t start = 0;
  for (std::size_t end; (end = buffer_.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string_view text(buffer_.data() + start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (skipping_long_line_) {
      skipping_long_line_ = false;  // the tail of a dropped line
      continue;
    }
    line(text, events);
  }
  buffer_.erase(0, start);
  if (buffer_.size() > kMaxLineBytes) {
    buffer_.clear();
    skipping_long_line_ = true;
  }
  return events;
}

void SseDecoder::line(std::string_view text, std::vector<SseEvent>& events) {
  if (text.empty()) {
    if (has_data_) {
      events.push_back({last_event_id_, event_type_.empty() ? "message" : event_type_, data_});
    }
    data_.clear();
    event_type_.clear();
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment: keepalive
  std::size_t colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_type_ = value;
  } else if (field == "id" && value.find('\0') == std::string_view::npos) {
    last_event_id_ = value;
  }
}

}  // namespace smg::cli
