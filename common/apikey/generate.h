// New control-plane API keys: 256 random bits, base64url, behind a recognisable prefix so that
// secret scanners and people can tell an smg key on sight.
// Thread-safety: thread-safe (OpenSSL's DRBG).
//
//   smg::crypto::Secret key = smg::apikey::generate_api_key();   // "smgk_" + 43 characters
#pragma once

#include <cstddef>
#include <string_view>

#include "common/crypto/crypto.h"

namespace smg::apikey {

constexpr std::string_view kApiKeyPrefix = "smgk_";
constexpr std::size_t kApiKeyRandomBytes = 32;

// `prefix` + base64url(random_bytes(byte_count)), no padding.
crypto::Secret generate_api_key(std::size_t byte_count = kApiKeyRandomBytes,
                                std::string_view prefix = kApiKeyPrefix);

}  // namespace smg::apikey
