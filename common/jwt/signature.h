// JWS signature check for one algorithm and one public key (RFC 7518 §3), on OpenSSL 3 EVP.
//
// RS*: RSASSA-PKCS1-v1_5; PS*: RSASSA-PSS, MGF1 with the same hash, salt length = hash length;
// ES256/ES384: the JOSE raw r||s form of exactly 64/96 bytes (a DER signature is refused);
// EdDSA: Ed25519. Any other alg (none, HS*) is never verified.
// Thread-safety: pure function.
//
//   bool ok = smg::jwt::verify_signature("ES256", key.get(), jws.signing_input, jws.signature);
#pragma once

#include <string_view>

#include <openssl/evp.h>

namespace smg::jwt {

// True only for the asymmetric algorithms smg accepts (RS/PS 256/384/512, ES256/384, EdDSA).
bool is_allowed_alg(std::string_view alg);

bool verify_signature(std::string_view alg, EVP_PKEY* key, std::string_view signing_input,
                      std::string_view signature);

}  // namespace smg::jwt
