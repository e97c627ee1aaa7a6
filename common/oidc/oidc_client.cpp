#include "common/oidc/oidc_client.h"

#include <utility>

#include "common/oidc/id_token.h"

namespace smg::oidc {

OidcClient::OidcClient(OidcClientOptions options, const http::HttpClient& http, const Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {}

// Discovery holds the lock: it succeeds once per process, and failures are rate-limited.
Result<std::shared_ptr<OidcClient::Provider>> OidcClient::provider() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (provider_) return provider_;
  auto now = clock_.steady_now();
  if (last_failure_ && now - *last_failure_ < options_.retry_interval) return last_error_;
  auto metadata = discover(http_, options_.issuer);
  if (!metadata.ok()) {
    last_failure_ = now;
    last_error_ = metadata.status();
    return metadata.status();
  }
  auto made = std::make_shared<Provider>();
  made->metadata = std::move(*metadata);
  made->jwks = std::make_unique<jwks::JwksCache>(
      jwks::JwksCacheOptions{.jwks_uri = made->metadata.jwks_uri}, http_, clock_);
  provider_ = made;
  return made;
}

Result<std::string> OidcClient::authorization_url(const AuthorizationRequest& request) {
  auto found = provider();
  if (!found.ok()) return found.status();
  return oidc::authorization_url((*found)->metadata, options_.client, request);
}

Result<nlohmann::json> OidcClient::complete_login(const std::string& code,
                                                  const std::string& verifier,
                                                  const std::string& nonce) {
  auto found = provider();
  if (!found.ok()) return found.status();
  auto tokens = exchange_code(http_, (*found)->metadata, options_.client, code, verifier);
  if (!tokens.ok()) return tokens.status();
  IdTokenPolicy policy{.issuer = options_.issuer,
                       .client_id = options_.client.client_id,
                       .nonce = nonce,
                       .leeway = options_.leeway};
  return validate_id_token(tokens->id_token, *(*found)->jwks, policy, clock_);
}

}  // namespace smg::oidc
