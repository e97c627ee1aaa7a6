// base64url: decoding never crashes, and whatever decodes re-encodes to exactly the input
// (the decoder accepts one canonical spelling per byte string).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/crypto/crypto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto decoded = smg::crypto::base64url_decode(text);
  if (decoded.ok() && smg::crypto::base64url_encode(*decoded) != text) {
    std::abort();
  }
  auto padded = smg::crypto::base64_decode(text);
  if (padded.ok() && smg::crypto::base64_encode(*padded) != text) {
    std::abort();
  }
  return 0;
}
