// OpenID Connect discovery: `{issuer}/.well-known/openid-configuration` → ProviderMetadata.
// The document's `issuer` must equal the configured issuer exactly (no trailing-slash games), and
// every endpoint must pass http::check_fetch_url (https, or http to loopback).
// Thread-safety: pure functions; `client` must be thread-safe.
//
//   auto metadata = smg::oidc::discover(*client, "https://accounts.google.com");
//   if (!metadata.ok()) ...   // reason "oidc_discovery_failed"
#pragma once

#include <string>
#include <vector>

#include "common/http/http_client.h"
#include "common/status.h"

namespace smg::oidc {

struct ProviderMetadata {
  std::string issuer{};
  std::string authorization_endpoint{};
  std::string token_endpoint{};
  std::string jwks_uri{};
  std::vector<std::string> code_challenge_methods_supported{};
  // Optional endpoints (empty when the provider does not offer them): RFC 8628 and RFC 7009.
  std::string device_authorization_endpoint{};
  std::string revocation_endpoint{};
};

// Parses and checks a discovery document against `expected_issuer`.
Result<ProviderMetadata> parse_discovery(const std::string& body,
                                         const std::string& expected_issuer);
Result<ProviderMetadata> discover(const http::HttpClient& client, const std::string& issuer);

}  // namespace smg::oidc
