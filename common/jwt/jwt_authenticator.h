// JwtAuthenticator: the ready-made JWT check the gateway calls per request:
// token → verified-token cache → (miss) parse → JWKS key (kid-miss refetch) → verify → Principal.
// Built once at start-up from config; fails closed when the IdP's keys were never available.
// Thread-safety: authenticate() may be called from many threads at once.
//
//   smg::jwt::JwtAuthConfig config{.issuer = "https://idp.example", .audience = "smg"};
//   auto client = smg::http::make_curl_client();
//   smg::jwt::JwtAuthenticator auth(config, *client, smg::SystemClock::instance());
//   smg::Result<smg::Principal> who = auth.authenticate(bearer_token);
//   if (!who.ok()) respond_401("Invalid JWT: " + who.status().reason());
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/jwks/jwks_cache.h"
#include "common/jwt/claims.h"
#include "common/jwt/verified_token_cache.h"
#include "common/jwt/verifier.h"
#include "common/principal/principal.h"
#include "common/status.h"

namespace smg::jwt {

struct JwtAuthConfig {
  std::string issuer{};    // required: `iss` must equal it; also the discovery base
  std::string audience{};  // `aud` must contain it when non-empty
  std::string jwks_uri{};  // optional; discovery from `issuer` when empty
  std::string role_claim = "roles";
  std::vector<RoleMappingEntry> role_mapping{};
  std::chrono::seconds leeway{30};
  std::size_t token_cache_entries = 10000;
  // TTLs, cooldown, limits; its jwks_uri and issuer are taken from the fields above.
  jwks::JwksCacheOptions jwks{};
};

class JwtAuthenticator {
 public:
  // REQUIRES: `client` and `clock` outlive the authenticator.
  JwtAuthenticator(JwtAuthConfig config, const http::HttpClient& client, const Clock& clock);

  Result<Principal> authenticate(std::string_view token);
  // Whether authenticate(token) would answer from the verified-token cache: no parse, no
  // signature check, no JWKS fetch (so it never blocks).
  bool is_verified(std::string_view token);

  jwks::JwksCache& jwks_cache() { return jwks_; }

 private:
  static jwks::JwksCacheOptions cache_options(const JwtAuthConfig& config);

  const JwtAuthConfig config_;
  const Clock& clock_;
  VerifyPolicy policy_;
  IdentityOptions identity_;
  jwks::JwksCache jwks_;
  VerifiedTokenCache tokens_;
};

}  // namespace smg::jwt
