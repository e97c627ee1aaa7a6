// The proxy's request reading: the SAX path (no document built) and the document path (used for
// cache-aware routing) accept the same bodies and read the same `model`, `stream` and
// `max_tokens`.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/proxy/request_fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto streamed = smg::proxy::read_request_fields(body, false);
  auto parsed = smg::proxy::read_request_fields(body, true);
  if (streamed.has_value() != parsed.has_value()) std::abort();
  if (streamed && (streamed->model != parsed->model || streamed->stream != parsed->stream ||
                   streamed->max_tokens != parsed->max_tokens)) {
    std::abort();
  }
  return 0;
}
