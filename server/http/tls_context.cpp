#include "server/http/tls_context.h"

#include <openssl/err.h>

namespace smg::server {

Result<std::unique_ptr<TlsContext>> TlsContext::load(const std::string& cert_path,
                                                     const std::string& key_path) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  bool ok = ctx != nullptr && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
            SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) == 1 &&
            SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) == 1 &&
            SSL_CTX_check_private_key(ctx) == 1;
  ERR_clear_error();  // the queue of a failed load must not leak into later, unrelated calls
  if (!ok) {
    SSL_CTX_free(ctx);
    return Status(Code::kFailedPrecondition, "tls_invalid",
                  "cannot load the TLS certificate or key");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  // A write retried after WANT_WRITE may come from a moved buffer (std::string growth).
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return std::unique_ptr<TlsContext>(new TlsContext(ctx));
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace smg::server
