// OidcClient: the relying party the gateway's browser login uses, built once at start-up.
// Discovery runs lazily (the IdP may be down at start-up: logins then fail closed and discovery
// is retried at most once per `retry_interval`); the JWKS cache is created from the discovered
// `jwks_uri`.
// Thread-safety: thread-safe.
//
//   OidcClient oidc({.issuer = iss, .client = {...}}, *http, clock);
//   auto url = oidc.authorization_url({.state = s, .nonce = n, .code_challenge = c});
//   auto claims = oidc.complete_login(code, verifier, nonce);   // validated ID token claims
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/jwks/jwks_cache.h"
#include "common/oidc/auth_code.h"
#include "common/oidc/discovery.h"
#include "common/status.h"

namespace smg::oidc {

struct OidcClientOptions {
  std::string issuer{};
  ClientRegistration client{};
  std::chrono::seconds leeway{30};
  std::chrono::seconds retry_interval{10};
};

class OidcClient {
 public:
  // REQUIRES: `http` and `clock` outlive the client.
  OidcClient(OidcClientOptions options, const http::HttpClient& http, const Clock& clock);

  Result<std::string> authorization_url(const AuthorizationRequest& request);
  // Code exchange, then ID token validation. Reasons: "oidc_discovery_failed",
  // "oidc_token_invalid", "oidc_nonce_invalid".
  Result<nlohmann::json> complete_login(const std::string& code, const std::string& verifier,
                                        const std::string& nonce);
  const std::string& issuer() const { return options_.issuer; }

 private:
  struct Provider {
    ProviderMetadata metadata;
    std::unique_ptr<jwks::JwksCache> jwks;
  };
  Result<std::shared_ptr<Provider>> provider();

  OidcClientOptions options_;
  const http::HttpClient& http_;
  const Clock& clock_;
  std::mutex mutex_;
  std::shared_ptr<Provider> provider_;
  std::optional<std::chrono::steady_clock::time_point> last_failure_;
  Status last_error_;
};

}  // namespace smg::oidc
