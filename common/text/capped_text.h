// Client-supplied text that the gateway stores or logs (a request's `model`, ids, paths) is
// capped, so that one request cannot make a 50 MB row or log line: at most `max_bytes` of the
// text, cut on a UTF-8 boundary, followed by a marker saying it was cut.
// Thread-safety: pure functions.
//
//   record.model = smg::text::capped_client_text(fields.model);   // "aaaa…[truncated]"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smg::text {

inline constexpr std::size_t kMaxClientTextBytes = 256;
inline constexpr std::string_view kTruncatedMarker = "...[truncated]";

// The longest prefix of `text` of at most `max_bytes` that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// `text` when it fits in `max_bytes`, else utf8_prefix(text, max_bytes) + kTruncatedMarker.
std::string capped_client_text(std::string_view text, std::size_t max_bytes = kMaxClientTextBytes);

}  // namespace smg::text
