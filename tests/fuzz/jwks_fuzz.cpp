// JWKS and PEM key parsers: never crash, leak or accept private key material as a public key.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/jwks/jwk_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto set = smg::jwks::JwkSet::parse(text);
  if (set.ok()) {
    for (const auto& key : set->keys()) {
      if (!key.key || key.alg.empty()) {
        std::abort();  // a usable key always has material and a resolved alg
      }
    }
  }
  (void)smg::jwks::JwkSet::from_pem(text);
  return 0;
}
