// SseDecoder (smgctl's reader of the gateway's event streams): never crashes on any byte stream,
// and what it decodes does not depend on where the transport cut the stream into chunks. The
// first input byte picks the cut points; the rest is the stream.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "cli/remote/sse_decoder.h"

namespace {

bool same(const std::vector<smg::cli::SseEvent>& a, const std::vector<smg::cli::SseEvent>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].event != b[i].event || a[i].data != b[i].data) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t step = data[0] % 7 + 1;  // chunk sizes 1..7, growing through the stream
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  smg::cli::SseDecoder whole;
  std::vector<smg::cli::SseEvent> expected = whole.feed(stream);

  smg::cli::SseDecoder chunked;
  std::vector<smg::cli::SseEvent> got;
  for (std::size_t at = 0, n = step; at < stream.size(); at += n, n = n % 13 + step) {
    for (auto& event : chunked.feed(stream.substr(at, n))) got.push_back(std::move(event));
  }
  if (!same(expected, got) || whole.last_event_id() != chunked.last_event_id()) std::abort();
  return 0;
}
