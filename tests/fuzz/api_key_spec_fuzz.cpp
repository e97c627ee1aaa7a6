// API-key spec parser: never crashes, and never lets the secret into an error message. Input is
// split at the first NUL: the spec before it, and (when present) a comma list after it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/apikey/api_key_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string spec = input.substr(0, input.find('\0'));
  auto entry = smg::apikey::parse_api_key_spec(spec, "fuzz");
  if (entry.ok()) {
    // A parsed spec has exactly the documented shape.
    if (entry->id.empty() || entry->name.empty() || entry->key_sha256.size() != 32 ||
        entry->id.find(':') != std::string::npos || entry->name.find(':') != std::string::npos) {
      std::abort();
    }
  } else {
    // The key is everything after the third colon; it must never be echoed back.
    std::size_t colons = 0, at = 0;
    for (; at < spec.size() && colons < 3; ++at) colons += spec[at] == ':';
    std::string key = colons == 3 ? spec.substr(at) : "";
    // Leak test by difference: the key may by chance spell words of the fixed message ("be
    // admin"), so it only counts as echoed when the same spec with another key of the same
    // length does not produce the key's text.
    const std::string& message = entry.status().message();
    if (key.size() >= 4 && message.find(key) != std::string::npos) {
      auto other = smg::apikey::parse_api_key_spec(spec.substr(0, at) + std::string(key.size(), 'Z'),
                                                   "fuzz");
      if (!other.ok() && other.status().message().find(key) == std::string::npos) {
        std::abort();
      }
    }
  }
  if (auto nul = input.find('\0'); nul != std::string::npos) {
    (void)smg::apikey::parse_api_key_list(input.substr(nul + 1), "fuzz-env");
  }
  return 0;
}
