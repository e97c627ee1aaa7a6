#include "common/oidc/pkce.h"

#include "common/crypto/crypto.h"

namespace smg::oidc {

Pkce make_pkce() {
  Pkce pkce;
  pkce.verifier = crypto::base64url_encode(crypto::random_bytes(32));
  pkce.challenge = s256_challenge(pkce.verifier);
  return pkce;
}

std::string s256_challenge(std::string_view verifier) {
  return crypto::base64url_encode(crypto::sha256(verifier));
}

}  // namespace smg::oidc
