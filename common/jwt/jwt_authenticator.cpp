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

namespace {

// What is_verified() found last on this thread, for the authenticate() that follows it on the
// same request (the engine asks before it screens): one hash and lookup instead of two.
struct LastHit {
  const JwtAuthenticator* owner = nullptr;
  std::string token;
  uint64_t generation = 0;
  int64_t at = 0;
  Principal principal;
};
thread_local LastHit last_hit;

}  // namespace

bool JwtAuthenticator::is_verified(std::string_view token) {
  int64_t now = clock_.now_seconds();
  uint64_t generation = jwks_.generation();
  auto hit = tokens_.find(token, now, generation);
  if (!hit) return false;
  last_hit.owner = this;
  last_hit.token.assign(token);
  last_hit.generation = generation;
  last_hit.at = now;
  last_hit.principal = std::move(*hit);
  return true;
}

Result<Principal> JwtAuthenticator::authenticate(std::string_view token) {
  int64_t now = clock_.now_seconds();
  // The generation is read before any fetch: a hit is valid only under the current key set.
  uint64_t generation = jwks_.generation();
  if (last_hit.owner == this && last_hit.generation == generation && last_hit.at == now &&
      last_hit.token == token) {
    last_hit.owner = nullptr;  // used once: the next request looks again
    return std::move(last_hit.principal);
  }
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
