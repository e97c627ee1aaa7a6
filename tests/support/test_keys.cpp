#include "tests/support/test_keys.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/crypto/crypto.h"

namespace smg::test {
namespace {

std::shared_ptr<EVP_PKEY> generate(const std::string& name) {
  EVP_PKEY* key = nullptr;
  if (name == "rsa" || name == "rsa2") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  } else if (name == "p256") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (name == "p384") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  } else if (name == "ed25519") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (key == nullptr) {
    throw std::runtime_error("keygen failed: " + name);
  }
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::string bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string der_to_raw(const std::string& der, size_t half) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  std::string raw(half * 2, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + half, static_cast<int>(half));
  ECDSA_SIG_free(sig);
  return raw;
}

const EVP_MD* md_for(const std::string& alg) {
  if (alg == "EdDSA") return nullptr;
  std::string bits = alg.substr(2);
  return bits == "256" ? EVP_sha256() : bits == "384" ? EVP_sha384() : EVP_sha512();
}

std::string sign(EVP_PKEY* key, const std::string& alg, const std::string& input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, md_for(alg), nullptr, key);
  if (alg.rfind("PS", 0) == 0) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t length = 0;
  auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &length, in, input.size());
  std::string sig(length, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &length, in, input.size());
  sig.resize(length);
  EVP_MD_CTX_free(ctx);
  return sig;
}

std::string b64(const std::string& s) { return crypto::base64url_encode(s); }

}  // namespace

const TestKey& test_key(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, TestKey> keys;
  std::lock_guard lock(mutex);
  auto it = keys.find(name);
  if (it == keys.end()) {
    std::string alg = name == "p256" ? "ES256" : name == "p384" ? "ES384"
                    : name == "ed25519" ? "EdDSA" : "RS256";
    it = keys.emplace(name, TestKey{generate(name), alg}).first;
  }
  return it->second;
}

nlohmann::json public_jwk(const TestKey& key, const std::string& kid, const std::string& alg) {
  nlohmann::json jwk;
  EVP_PKEY* pkey = key.pair.get();
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    jwk = {{"kty", "RSA"}, {"n", b64(bn_param(pkey, OSSL_PKEY_PARAM_RSA_N))},
           {"e", b64(bn_param(pkey, OSSL_PKEY_PARAM_RSA_E))}};
  } else if (EVP_PKEY_is_a(pkey, "EC")) {
    size_t half = EVP_PKEY_get_bits(pkey) == 256 ? 32 : 48;
    std::string x(half, '\0');
    std::string y(half, '\0');
    BIGNUM* bx = nullptr;
    BIGNUM* by = nullptr;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by);
    BN_bn2binpad(bx, reinterpret_cast<unsigned char*>(x.data()), static_cast<int>(half));
    BN_bn2binpad(by, reinterpret_cast<unsigned char*>(y.data()), static_cast<int>(half));
    BN_free(bx);
    BN_free(by);
    jwk = {{"kty", "EC"}, {"crv", half == 32 ? "P-256" : "P-384"}, {"x", b64(x)}, {"y", b64(y)}};
  } else {
    std::string x(32, '\0');
    size_t length = 32;
    EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(x.data()), &length);
    jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", b64(x)}};
  }
  if (!kid.empty()) jwk["kid"] = kid;
  if (!alg.empty()) jwk["alg"] = alg;
  return jwk;
}

std::string public_pem(const TestKey& key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key.pair.get());
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  return pem;
}

std::string mint_token(const TestKey& key, const std::string& alg, const nlohmann::json& header,
                       const nlohmann::json& payload, MintOptions options) {
  std::string input = b64(header.dump()) + "." + b64(payload.dump());
  std::string sig = sign(key.pair.get(), alg, input);
  if (alg.rfind("ES", 0) == 0 && !options.der_ecdsa) {
    sig = der_to_raw(sig, alg == "ES256" ? 32 : 48);
  }
  return input + "." + b64(sig);
}

std::string mint_hs256(const std::string& secret, const nlohmann::json& header,
                       const nlohmann::json& payload) {
  std::string input = b64(header.dump()) + "." + b64(payload.dump());
  return input + "." + b64(crypto::hmac_sha256(secret, input));
}

}  // namespace smg::test
