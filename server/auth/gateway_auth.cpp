#include "server/auth/gateway_auth.h"

#include "common/crypto/crypto.h"
#include "server/auth/credentials.h"

namespace smg::server {
namespace {

constexpr const char* kMissingHeader = "Missing or invalid Authorization header";
constexpr const char* kInvalidToken = "Invalid authentication token";
constexpr const char* kAdminRequired = "Admin role required for control plane access";

Response control_plane_401(const std::string& message) {
  Response response = error_response(401, "authentication_error", message, "unauthorized");
  response.set_header("WWW-Authenticate", "Bearer realm=\"control-plane\"");
  return response;
}

Response caller_401(const std::string& type) {
  Response response = admin_error_response(401, type);
  response.set_header("WWW-Authenticate", "Bearer realm=\"smg\"");
  return response;
}

Response data_plane_401(const std::string& message) {
  Response response = error_response(401, "authentication_error", message, "invalid_api_key");
  response.set_header("WWW-Authenticate", "Bearer realm=\"smg\"");
  return response;
}

AuthResult reject(AuthOutcome outcome, std::string details, Response response) {
  AuthResult result;
  result.outcome = outcome;
  result.details = std::move(details);
  result.rejection = std::move(response);
  return result;
}

AuthResult allow(Principal principal) {
  AuthResult result;
  result.principal = std::move(principal);
  return result;
}

Principal shared_key_principal() {
  Principal principal;
  principal.subject = "api_key:shared";
  principal.display_name = "shared API key";
  principal.auth_method = AuthMethod::kApiKey;
  principal.role = Role::kUser;
  return principal;
}

}  // namespace

GatewayAuth::GatewayAuth(CredentialSources sources, metrics::Registry& registry)
    : sources_(std::move(sources)), registry_(registry) {}

bool GatewayAuth::answers_without_blocking(const Request& request) const {
  if (!sources_.jwt) return true;
  // The Authorization bearer when that header is there (the control plane's token too), else
  // x-api-key (the data plane's): one token to look up either way.
  Bearer bearer = extract_bearer_or_api_key(request);
  return bearer.state != BearerState::kPresent || !looks_like_jwt(bearer.token) ||
         sources_.jwt->is_verified(bearer.token);
}

bool GatewayAuth::control_plane_configured() const {
  return (sources_.control_plane_keys && !sources_.control_plane_keys->empty()) ||
         sources_.jwt != nullptr;
}

bool GatewayAuth::any_configured() const {
  return control_plane_configured() || !sources_.shared_api_key_sha256.empty() ||
         !sources_.tenant_keys.empty() || callers_configured();
}

AuthResult GatewayAuth::caller(const Request& request) const {
  return caller_lookup(request, true);
}

AuthResult GatewayAuth::caller_lookup(const Request& request, bool count_unknown) const {
  Bearer bearer = extract_bearer_or_api_key(request);
  if (bearer.state != BearerState::kPresent || !callers_configured()) {
    return reject(AuthOutcome::kUnauthenticated, "missing credential", caller_401("missing-token"));
  }
  auto principal = sources_.callers->lookup(bearer.token);
  // Not a caller token at all: on the data plane an API key or a JWT may still take it, and
  // only if nothing does is it a failed attempt.
  bool unknown = !principal.ok() && principal.status().code() != Code::kPermissionDenied;
  if (count_unknown || !unknown) count("caller_token", principal.ok() ? "success" : "failure");
  if (principal.ok()) return allow(std::move(*principal));
  if (principal.status().code() == Code::kPermissionDenied) {
    return reject(AuthOutcome::kForbidden, principal.status().reason(),
                  admin_error_response(403, principal.status().reason()));
  }
  return reject(AuthOutcome::kUnauthenticated, "invalid token", caller_401("invalid-token"));
}

void GatewayAuth::count(const char* method, const char* result) const {
  std::size_t index = (std::string_view(method) == "jwt" ? 2 : 0) +
                      (std::string_view(result) == "success" ? 1 : 0);
  bool known = std::string_view(method) == "jwt" || std::string_view(method) == "api_key";
  metrics::Counter* counter = known ? attempt_counters_[index].load(std::memory_order_acquire)
                                    : nullptr;
  if (counter == nullptr) {
    counter = &registry_.counter("smg_auth_attempts_total",
                                 "Authentication attempts by method and result",
                                 {{"method", method}, {"result", result}});
    // Racing threads get the same series from the registry, so either store is right.
    if (known) attempt_counters_[index].store(counter, std::memory_order_release);
  }
  counter->inc();
}

GatewayAuth::Verification GatewayAuth::verify_control_plane_token(const std::string& token) const {
  Verification v;
  if (sources_.jwt && looks_like_jwt(token)) {
    auto principal = sources_.jwt->authenticate(token);
    if (!principal.ok()) {
      count("jwt", "failure");
      v.verdict = Verdict::kRejected;
      v.reason = "Invalid JWT: " + principal.status().message();
      return v;
    }
    count("jwt", "success");
    v.verdict = Verdict::kVerified;
    v.principal = std::move(*principal);
    return v;
  }
  if (sources_.control_plane_keys) {
    if (auto principal = sources_.control_plane_keys->lookup(token)) {
      count("api_key", "success");
      v.verdict = Verdict::kVerified;
      v.principal = std::move(*principal);
      return v;
    }
    count("api_key", "failure");
  }
  return v;
}

AuthResult GatewayAuth::control_plane(const Request& request) const {
  if (!control_plane_configured()) {
    if (sources_.shared_api_key_sha256.empty()) {
      return allow(Principal{});  // nothing configured: open, as SMG
    }
    // SMG: with no control-plane auth, --api-key guards the control plane.
    Bearer bearer = extract_bearer(request);
    if (bearer.state != BearerState::kPresent) {
      return reject(AuthOutcome::kUnauthenticated, "missing credential",
                    control_plane_401(kMissingHeader));
    }
    if (!crypto::constant_time_equal(crypto::sha256(bearer.token),
                                     sources_.shared_api_key_sha256)) {
      count("api_key", "failure");
      return reject(AuthOutcome::kUnauthenticated, "invalid token",
                    control_plane_401(kInvalidToken));
    }
    count("api_key", "success");
    Principal principal = shared_key_principal();
    principal.role = Role::kAdmin;
    return allow(std::move(principal));
  }
  Bearer bearer = extract_bearer(request);
  if (bearer.state != BearerState::kPresent) {
    return reject(AuthOutcome::kUnauthenticated, "missing credential",
                  control_plane_401(kMissingHeader));
  }
  Verification v = verify_control_plane_token(bearer.token);
  if (v.verdict == Verdict::kRejected) {
    return reject(AuthOutcome::kUnauthenticated, v.reason, control_plane_401(v.reason));
  }
  if (v.verdict == Verdict::kNoMatch) {
    return reject(AuthOutcome::kUnauthenticated, "invalid token", control_plane_401(kInvalidToken));
  }
  if (v.principal.role != Role::kAdmin) {
    AuthResult denied = reject(AuthOutcome::kForbidden, "admin role required",
                               error_response(403, "permission_error", kAdminRequired, "forbidden"));
    denied.principal = std::move(v.principal);
    return denied;
  }
  return allow(std::move(v.principal));
}

std::optional<Principal> GatewayAuth::match_data_plane_key(const std::string& digest) const {
  if (!sources_.shared_api_key_sha256.empty() &&
      crypto::constant_time_equal(digest, sources_.shared_api_key_sha256)) {
    return shared_key_principal();
  }
  for (const auto& tenant : sources_.tenant_keys) {
    if (crypto::constant_time_equal(digest, tenant.key_sha256)) {
      Principal principal;
      principal.subject = "auth:" + tenant.tenant;
      principal.display_name = tenant.tenant;
      principal.auth_method = AuthMethod::kApiKey;
      principal.domain = tenant.tenant;
      return principal;
    }
  }
  return std::nullopt;
}

AuthResult GatewayAuth::data_plane(const Request& request) const {
  if (!any_configured()) {
    return allow(Principal{});
  }
  // With caller tokens configured, data-plane errors take their (seed) shape.
  auto unauthenticated_response = [&](const std::string& type, const std::string& message) {
    return callers_configured() ? caller_401(type) : data_plane_401(message);
  };
  Bearer bearer = extract_bearer_or_api_key(request);
  if (bearer.state != BearerState::kPresent) {
    return reject(AuthOutcome::kUnauthenticated, "missing credential",
                  unauthenticated_response("missing-token", kMissingHeader));
  }
  if (callers_configured()) {
    AuthResult result = caller_lookup(request, false);
    if (result.outcome != AuthOutcome::kUnauthenticated) return result;  // allowed or key-<status>
  }
  if (!(sources_.jwt && looks_like_jwt(bearer.token))) {
    if (auto principal = match_data_plane_key(crypto::sha256(bearer.token))) {
      count("api_key", "success");
      return allow(std::move(*principal));
    }
  }
  Verification v = verify_control_plane_token(bearer.token);
  if (v.verdict == Verdict::kVerified) {
    return allow(std::move(v.principal));  // role user or admin may call the data plane
  }
  std::string message = v.verdict == Verdict::kRejected ? v.reason : kInvalidToken;
  if (callers_configured()) count("caller_token", "failure");  // nothing took the token
  return reject(AuthOutcome::kUnauthenticated, message,
                unauthenticated_response("invalid-token", message));
}

}  // namespace smg::server
