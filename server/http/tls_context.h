// TlsContext: the OpenSSL server context of an HTTPS listener: the certificate chain and private
// key from PEM files (checked to belong together), TLS 1.2 or newer, no compression and no
// client-initiated renegotiation. The listener hands it to Asio (asio::ssl::context), and each
// connection (connection.h) gets an SSL from it.
// Thread-safety: immutable after load(); SSL objects may be created from any thread.
//
//   auto tls = TlsContext::load("cert.pem", "key.pem");   // reason "tls_invalid" on failure
//   if (!tls.ok()) return tls.status();
//   SSL* ssl = SSL_new((*tls)->get());
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace smg::server {

class TlsContext {
 public:
  static Result<std::unique_ptr<TlsContext>> load(const std::string& cert_path,
                                                  const std::string& key_path);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

}  // namespace smg::server
