// OpenSSL 3 key import for JwkSet: raw JWK members → EVP_PKEY (public only). Internal to jwks.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "common/status.h"

namespace smg::jwks::internal {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;

// n and e are big-endian unsigned bytes.
Result<PkeyPtr> import_rsa(std::string_view n, std::string_view e);
// curve "P-256" or "P-384"; x and y must be exactly the coordinate size.
Result<PkeyPtr> import_ec(std::string_view curve, std::string_view x, std::string_view y);
Result<PkeyPtr> import_ed25519(std::string_view x);
Result<PkeyPtr> import_spki_pem(std::string_view pem);

// "RSA", "EC" or "OKP" and, for EC, "P-256"/"P-384" (empty otherwise). Empty kty if unsupported.
void describe_key(EVP_PKEY* key, std::string& kty, std::string& crv);

}  // namespace smg::jwks::internal
