#include "common/redis/redis_script.h"

#include <openssl/evp.h>

#include "common/crypto/crypto.h"

namespace smg::redis {

// SHA-1 only because EVALSHA names scripts by it; nothing here relies on its strength.
Script::Script(std::string source) : source_(std::move(source)) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(source_.data(), source_.size(), digest, &length, EVP_sha1(), nullptr);
  sha1_ = crypto::to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace smg::redis
