// The values smgctl keeps per context: where a gateway is and how to trust it
// (config.yaml, no secrets), and the credential used to call it (credentials.yaml).
// Plain values; thread-safety as for any struct.
//
//   Context prod{.name = "prod", .server = "https://gw.example", .cacert = "", .insecure = false};
//   Credential key = Credential::api_key(crypto::Secret(token));
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/crypto/crypto.h"

namespace smg::cli {

struct Context {
  std::string name;    // [A-Za-z0-9._-]+, unique in config.yaml
  std::string server;  // base URL, e.g. "https://gw.example:8443"
  std::string cacert;  // PEM bundle to trust; empty means the system store
  bool insecure = false;
};

// Tokens from `smgctl login` and what is needed to refresh or revoke them.
struct OidcTokens {
  std::string issuer;
  std::string client_id;
  crypto::Secret access_token;
  crypto::Secret refresh_token;
  crypto::Secret id_token;
  int64_t expires_at = 0;  // Unix seconds; 0 when the provider did not say
  std::string token_endpoint;
  std::string revocation_endpoint;
};

// A context's credential: an API key, OIDC tokens, or nothing.
struct Credential {
  crypto::Secret token;            // API key (`context set --token-stdin`)
  std::optional<OidcTokens> oidc;  // set by `login`; exclusive with `token`

  static Credential api_key(crypto::Secret key) {
    Credential credential;
    credential.token = std::move(key);
    return credential;
  }
  bool empty() const { return token.empty() && !oidc; }
  // The bearer to send: the API key, else the OIDC access token (empty when there is none).
  const crypto::Secret& bearer() const { return oidc ? oidc->access_token : token; }
};

// True for a usable context name: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'.
bool valid_context_name(const std::string& name);

}  // namespace smg::cli
