#include "common/jwks/internal/key_import.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

namespace smg::jwks::internal {
namespace {

Status bad_key(const char* message) { return invalid_argument("jwk_invalid", message); }

PkeyPtr wrap(EVP_PKEY* key) { return PkeyPtr(key, EVP_PKEY_free); }

// EVP_PKEY_fromdata for a public key of `type` built from `bld`; frees nothing it did not make.
Result<PkeyPtr> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok || key == nullptr) {
    EVP_PKEY_free(key);
    return bad_key("key parameters rejected by OpenSSL");
  }
  return wrap(key);
}

// fromdata does not promise a full public-key check; do it explicitly (EC: point on curve).
bool public_check(EVP_PKEY* key) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_public_check(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<PkeyPtr> import_rsa(std::string_view n, std::string_view e) {
  if (n.empty() || e.empty() || e.size() > 8 || n.size() > kMaxRsaBits / 8 + 1) {
    return bad_key("RSA n or e out of range");
  }
  BIGNUM* bn_n = BN_bin2bn(bytes(n), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(bytes(e), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  Result<PkeyPtr> key = bad_key("RSA key could not be built");
  if (bn_n != nullptr && bn_e != nullptr && bld != nullptr &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    key = from_params("RSA", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!key.ok()) {
    return key;
  }
  int bits = EVP_PKEY_get_bits(key->get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return bad_key("RSA modulus must be 2048 to 8192 bits");
  }
  return key;
}

Result<PkeyPtr> import_ec(std::string_view curve, std::string_view x, std::string_view y) {
  std::size_t size = curve == "P-256" ? 32 : curve == "P-384" ? 48 : 0;
  if (size == 0) {
    return bad_key("unsupported EC curve");
  }
  if (x.size() != size || y.size() != size) {
    return bad_key("EC coordinate has the wrong length");
  }
  std::string point = "\x04" + std::string(x) + std::string(y);  // SEC1 uncompressed
  std::string group = curve == "P-256" ? "prime256v1" : "secp384r1";
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  Result<PkeyPtr> key = bad_key("EC key could not be built");
  if (bld != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1) {
    key = from_params("EC", bld);
  }
  OSSL_PARAM_BLD_free(bld);
  if (key.ok() && !public_check(key->get())) {
    return bad_key("EC point is not on the curve");
  }
  return key;
}

Result<PkeyPtr> import_ed25519(std::string_view x) {
  if (x.size() != 32) {
    return bad_key("Ed25519 key must be 32 bytes");
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(x), x.size());
  if (key == nullptr) {
    return bad_key("Ed25519 key rejected by OpenSSL");
  }
  return wrap(key);
}

Result<PkeyPtr> import_spki_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio == nullptr ? nullptr : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    return invalid_argument("pem_invalid", "not a PEM public key (SPKI)");
  }
  PkeyPtr wrapped = wrap(key);
  if (EVP_PKEY_is_a(key, "RSA")) {
    int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      return bad_key("RSA modulus must be 2048 to 8192 bits");
    }
  } else if (EVP_PKEY_is_a(key, "EC") && !public_check(key)) {
    return bad_key("EC point is not on the curve");
  }
  return wrapped;
}

void describe_key(EVP_PKEY* key, std::string& kty, std::string& crv) {
  kty.clear();
  crv.clear();
  if (EVP_PKEY_is_a(key, "RSA")) {
    kty = "RSA";
  } else if (EVP_PKEY_is_a(key, "ED25519")) {
    kty = "OKP";
    crv = "Ed25519";
  } else if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &length) != 1) {
      return;
    }
    std::string name(group, length);
    crv = name == "prime256v1" ? "P-256" : name == "secp384r1" ? "P-384" : "";
    kty = crv.empty() ? "" : "EC";
  }
}

}  // namespace smg::jwks::internal
