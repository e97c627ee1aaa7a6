#include "common/apikey/generate.h"

#include <string>

namespace smg::apikey {

crypto::Secret generate_api_key(std::size_t byte_count, std::string_view prefix) {
  std::string random = crypto::random_bytes(byte_count);
  crypto::Secret key{std::string(prefix) + crypto::base64url_encode(random)};
  crypto::secure_erase(random);
  return key;
}

}  // namespace smg::apikey
