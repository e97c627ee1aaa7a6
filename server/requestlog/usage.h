// Token usage as workers report it (OpenAI's `usage` object), from a whole JSON response body or
// from a Server-Sent Events stream, where it arrives in the final chunk when the caller asked for
// `stream_options.include_usage` (every earlier chunk carries `"usage": null`).
// Thread-safety: usage_from_json() is pure; an SseUsageScanner belongs to one stream.
//
//   TokenUsage u = usage_from_json(R"({"usage":{"prompt_tokens":3,"total_tokens":5}})");
//   SseUsageScanner scanner;
//   scanner.feed(chunk);            // as bytes arrive, split anywhere
//   TokenUsage streamed = scanner.usage();
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/requestlog/request_record.h"

namespace smg::requestlog {

// Usage from a JSON document with a top-level `usage` object; empty when absent, null or not
// JSON. Counts that are not non-negative integers are ignored.
TokenUsage usage_from_json(std::string_view body);

class SseUsageScanner {
 public:
  // A line longer than this is skipped (its usage, if any, is lost): a hostile worker cannot make
  // the gateway buffer without bound.
  static constexpr std::size_t kMaxLineBytes = 1 << 20;

  void feed(std::string_view bytes);
  // The last non-empty usage seen in a `data:` event.
  const TokenUsage& usage() const { return usage_; }

 private:
  void line_done();

  std::string line_;
  bool skipping_ = false;  // the current line grew past kMaxLineBytes
  TokenUsage usage_;
};

}  // namespace smg::requestlog
