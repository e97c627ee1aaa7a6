#include "common/jwt/jwt_authenticator.h"

namespace smg::jwt {

jwks::JwksCacheOptions JwtAuthenticator::cache_options(const JwtAuthConfig& config) {
  jwks::JwksCacheOptions options = config.jwks;
  options.jwks_uri = config.jwks_uri;
  options.issuer = config.issuer;
  return options;
}

JwtAuthenticator::JwtAuthenticator(JwtAuthConfig config, const http::HttpClient& client,
                                   const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      policy_{.issuer = config_.issuer, .audience = config_.audience, .leeway = config_.leeway},
      identity_{.role_claim = config_.role_claim, .role_mapping = config_.role_mapping},
      jwks_(cache_options(config_), client, clock),
      tokens_(config_.token_cache_entries) {}

bool JwtAuthenticator::is_verified(std::string_view token) {
  return tokens_.find(token, clock_.now_seconds(), jwks_.generation()).has_value();
}

Result<Principal> JwtAuthenticator::authenticate(std::string_view token) {
  int64_t now = clock_.now_seconds();
  // The generation is read before any fetch: a hit is valid only under the current key set.
  uint64_t generation = jwks_.generation();
  if (auto hit = tokens_.find(token, now, generation)) {
    return *hit;
  }
  auto jws = parse_jws(token, policy_.max_token_bytes);
  if (!jws.ok()) {
    return jws.status();
  }
  auto keys = jws->has_kid ? jwks_.key_set_for_kid(jws->kid) : jwks_.key_set();
  if (!keys.ok()) {
    return keys.status();
  }
  auto verified = verify_jws(*jws, **keys, policy_, clock_);
  if (!verified.ok()) {
    return verified.status();
  }
  auto principal = principal_from_claims(verified->claims, identity_);
  if (!principal.ok()) {
    return principal.status();
  }
  tokens_.insert(token, *principal, verified->expires_at, jwks_.generation());
  return principal;
}

}  // namespace smg::jwt
