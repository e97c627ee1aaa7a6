// libFuzzer target: random bytes as a chunked request body. Reading them in one call and byte by
// byte must agree, and a failed framing accepts nothing more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/http/chunked_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  smg::server::ChunkedFraming bulk, bytewise;
  bool whole = bulk.accept(body);
  bool each = true;
  for (char c : body) each = bytewise.accept(c) && each;
  if (whole != each || bulk.done() != bytewise.done() || bulk.failed() != bytewise.failed()) {
    std::abort();
  }
  if (bulk.failed() && bulk.accept('0')) std::abort();
  return 0;
}
