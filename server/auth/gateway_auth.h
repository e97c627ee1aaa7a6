// GatewayAuth: who may call what, built once at start-up from the configured
// credential sources and called per request.
//
// Control plane (SMG's rules): a Bearer token with three dot-separated parts is a JWT when JWT auth
// is configured, and a failed JWT is rejected (no fallback to API keys); any other token is hashed
// and looked up among the control-plane API keys; role admin is required. With no control-plane
// auth configured, `--api-key` guards it; with nothing configured it is open.
// Data plane: `--api-key`, a tenant key, or a control-plane key / JWT of role user or admin; open
// only when no credential source at all is configured.
// Every comparison is by SHA-256 digest: a lookup or a constant-time compare of digests.
// Thread-safety: immutable after construction except for the JWT caches, which are thread-safe.
//
//   GatewayAuth auth(std::move(sources), registry);
//   AuthResult result = auth.control_plane(request);
//   if (result.outcome != AuthOutcome::kAllowed) return result.rejection;
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/apikey/api_key_store.h"
#include "common/jwt/jwt_authenticator.h"
#include "common/principal/principal.h"
#include "server/auth/caller_tokens.h"
#include "server/http/exchange.h"
#include "server/metrics/metrics.h"

namespace smg::server {

struct TenantKey {
  std::string tenant;
  std::string key_sha256;  // raw digest
};

struct CredentialSources {
  std::string shared_api_key_sha256;  // --api-key, raw digest; empty when unset
  std::vector<TenantKey> tenant_keys;  // --tenant-api-key TENANT:KEY
  std::shared_ptr<const apikey::ApiKeyStore> control_plane_keys;  // may be null
  std::shared_ptr<jwt::JwtAuthenticator> jwt;                     // may be null
  std::shared_ptr<const CallerTokenStore> callers;                // may be null
};

enum class AuthOutcome { kAllowed, kUnauthenticated, kForbidden };

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::kAllowed;
  // Set when a credential was verified; AuthMethod::kNone when the route is open.
  Principal principal;
  std::string details;  // safe reason for the audit line
  Response rejection;   // the response to send unless allowed
};

class GatewayAuth {
 public:
  GatewayAuth(CredentialSources sources, metrics::Registry& registry);

  AuthResult control_plane(const Request& request) const;
  AuthResult data_plane(const Request& request) const;

  // Whether control_plane()/data_plane() answer this request without blocking: every source is
  // in memory, except a JWT that is not in the verified-token cache (its check may fetch the
  // issuer's JWKS). The engine runs such requests on its I/O thread.
  bool answers_without_blocking(const Request& request) const;
  bool control_plane_configured() const;  // API keys or JWT
  bool any_configured() const;            // any credential source at all
  bool data_plane_configured() const { return any_configured(); }
  bool callers_configured() const { return sources_.callers && !sources_.callers->empty(); }
  // A caller token alone (for /metrics and content maintenance): 401 missing-/invalid-token,
  // 403 key-<status>.
  AuthResult caller(const Request& request) const;
  const CredentialSources& sources() const { return sources_; }

 private:
  enum class Verdict { kVerified, kRejected, kNoMatch };
  struct Verification {
    Verdict verdict = Verdict::kNoMatch;
    Principal principal;
    std::string reason;
  };
  Verification verify_control_plane_token(const std::string& token) const;
  std::optional<Principal> match_data_plane_key(const std::string& digest) const;
  // caller(); `count_unknown` false: a token that is no caller token is not counted here (the
  // data plane tries its other sources first).
  AuthResult caller_lookup(const Request& request, bool count_unknown) const;
  void count(const char* method, const char* result) const;

  CredentialSources sources_;
  metrics::Registry& registry_;
  // smg_auth_attempts_total series for {api_key, jwt} x {success, failure}, looked up once each
  // (the registry lookup formats labels and takes a lock: too much for every request).
  mutable std::array<std::atomic<metrics::Counter*>, 4> attempt_counters_{};
};

}  // namespace smg::server
