#include "common/jwt/signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include <string>

namespace smg::jwt {
namespace {

const EVP_MD* digest_for(std::string_view alg) {
  std::string_view bits = alg.size() == 5 ? alg.substr(2) : std::string_view();
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  return nullptr;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// JOSE r||s (fixed width) → the DER ECDSA-Sig-Value OpenSSL verifies. Empty on failure.
std::string raw_ecdsa_to_der(std::string_view raw) {
  std::size_t half = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes(raw.substr(0, half)), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw.substr(half)), static_cast<int>(half), nullptr);
  std::string der;
  if (sig != nullptr && r != nullptr && s != nullptr && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    int length = i2d_ECDSA_SIG(sig, &out);
    if (length > 0) {
      der.assign(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
    }
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

bool digest_verify(const EVP_MD* md, bool pss, EVP_PKEY* key, std::string_view input,
                   std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, key) == 1;
  if (ok && pss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx, bytes(signature), signature.size(), bytes(input),
                              input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

bool is_allowed_alg(std::string_view alg) {
  return alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
         alg == "PS512" || alg == "ES256" || alg == "ES384" || alg == "EdDSA";
}

bool verify_signature(std::string_view alg, EVP_PKEY* key, std::string_view signing_input,
                      std::string_view signature) {
  if (!is_allowed_alg(alg) || key == nullptr || signature.empty()) {
    return false;
  }
  if (alg == "EdDSA") {
    return EVP_PKEY_is_a(key, "ED25519") && digest_verify(nullptr, false, key, signing_input,
                                                          signature);
  }
  const EVP_MD* md = digest_for(alg);
  if (alg.starts_with("ES")) {
    std::size_t expected = alg == "ES256" ? 64 : 96;
    if (signature.size() != expected || !EVP_PKEY_is_a(key, "EC")) {
      return false;
    }
    std::string der = raw_ecdsa_to_der(signature);
    return !der.empty() && digest_verify(md, false, key, signing_input, der);
  }
  if (!EVP_PKEY_is_a(key, "RSA")) {
    return false;
  }
  return digest_verify(md, alg.starts_with("PS"), key, signing_input, signature);
}

}  // namespace smg::jwt
