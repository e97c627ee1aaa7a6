#include "tests/support/self_signed_cert.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

#include "tests/support/test_keys.h"

namespace smg::test {
namespace {

void write_pem(const std::string& path, const std::function<int(FILE*)>& write) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file || write(file.get()) != 1) throw std::runtime_error("cannot write " + path);
}

}  // namespace

void write_self_signed_cert(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = test_key("p256").pair.get();
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), &X509_free);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, void (*)(X509_EXTENSION*)> san(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1"),
      &X509_EXTENSION_free);
  bool ok = X509_set_version(cert.get(), 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400) != nullptr &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("127.0.0.1"), -1,
                                       -1, 0) == 1 &&
            X509_set_issuer_name(cert.get(), name) == 1 && X509_set_pubkey(cert.get(), key) == 1 &&
            san != nullptr && X509_add_ext(cert.get(), san.get(), -1) == 1 &&
            X509_sign(cert.get(), key, EVP_sha256()) > 0;
  if (!ok) throw std::runtime_error("cannot make a self-signed certificate");
  write_pem(cert_path, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  write_pem(key_path, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace smg::test
