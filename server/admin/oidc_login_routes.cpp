// The OIDC half of AdminAuthRoutes: login, callback, session lookup and logout.
//
// Login CSRF: every login gets its own pre-login cookie, named after a hash of its state and
// holding 32 random bytes whose SHA-256 the pending login keeps. The callback succeeds only in
// the browser that started that login. Per-login names keep several tabs' logins independent.
// The pre-login cookie is SameSite=Lax (None when configured): the callback is a cross-site
// top-level navigation from the IdP, on which browsers drop Strict cookies.
#include <utility>

#include "common/crypto/crypto.h"
#include "common/oidc/pkce.h"
#include "server/admin/admin_auth_routes.h"
#include "server/admin/admin_responses.h"
#include "server/admin/cookies.h"

namespace smg::server::admin {
namespace {

std::string random_token() { return crypto::base64url_encode(crypto::random_bytes(32)); }

std::string callback_error_type(const Status& status) {
  return status.reason() == "oidc_nonce_invalid" ? "oidc-nonce-invalid" : "oidc-token-invalid";
}

}  // namespace

std::string AdminAuthRoutes::login_cookie_name(const std::string& state) const {
  return parts_.oidc.cookie_name + "_login_" + crypto::sha256_hex(state).substr(0, 16);
}

namespace {

CookieAttributes login_cookie_attributes(const OidcSettings& oidc) {
  return CookieAttributes{.path = "/admin/auth",
                          .http_only = true,
                          .secure = oidc.secure_cookies,
                          .same_site = oidc.same_site == "None" ? "None" : "Lax",
                          .max_age = std::nullopt};
}

CookieAttributes session_cookie_attributes(const OidcSettings& oidc) {
  return CookieAttributes{.path = "/admin",
                          .http_only = true,
                          .secure = oidc.secure_cookies,
                          .same_site = oidc.same_site,
                          .max_age = oidc.session_ttl_secs};
}

}  // namespace

Response AdminAuthRoutes::login(const Request& request) {
  OidcSettings& oidc = parts_.oidc;
  std::string state = random_token();
  std::string binding = random_token();
  oidc::Pkce pkce = oidc::make_pkce();
  session::PendingLogin pending{.nonce = random_token(),
                                .code_verifier = pkce.verifier,
                                .binding_sha256 = crypto::sha256_hex(binding),
                                .client = request.remote_addr};
  auto url = oidc.client->authorization_url(
      {.state = state, .nonce = pending.nonce, .code_challenge = pkce.challenge});
  if (!url.ok()) return admin_error_response(503, "oidc-unavailable");
  Status added = oidc.logins->add(state, std::move(pending));
  if (added.code() == Code::kResourceExhausted) {
    Response limited = admin_error_response(429, "oidc-login-rate-limited");
    limited.set_header("Retry-After", "60");
    return limited;
  }
  if (added.code() == Code::kUnavailable) {
    return admin_error_response(503, "session-store-unavailable");
  }
  if (!added.ok()) return admin_error_response(500, "internal-error");
  CookieAttributes attributes = login_cookie_attributes(oidc);
  attributes.max_age = oidc.logins->limits().ttl_secs;
  Response response = admin_redirect(*url);
  response.add_header("Set-Cookie", build_set_cookie(login_cookie_name(state), binding, attributes));
  return response;
}

Response AdminAuthRoutes::callback_failure(int status, const std::string& type,
                                           const std::string& state) {
  Response response = admin_error_response(status, type);
  if (!state.empty()) {
    response.add_header("Set-Cookie", expire_cookie(login_cookie_name(state),
                                                    login_cookie_attributes(parts_.oidc)));
  }
  return response;
}

Response AdminAuthRoutes::callback(const Request& request) {
  std::string state = request.query_param("state");
  std::string code = request.query_param("code");
  if (request.query.count("error") != 0) {
    if (!state.empty()) (void)parts_.oidc.logins->take(state);
    return callback_failure(401, "oidc-callback-failed", state);
  }
  if (state.empty() || code.empty()) return callback_failure(400, "oidc-callback-invalid", state);
  auto pending = parts_.oidc.logins->take(state);
  if (!pending.ok()) return callback_failure(401, "oidc-state-invalid", state);
  auto binding = find_unique_cookie(request, login_cookie_name(state));
  if (!binding || !crypto::constant_time_equal(crypto::sha256_hex(*binding),
                                               pending->binding_sha256)) {
    return callback_failure(401, "oidc-state-invalid", state);
  }
  auto claims = parts_.oidc.client->complete_login(code, pending->code_verifier, pending->nonce);
  if (!claims.ok()) return callback_failure(401, callback_error_type(claims.status()), state);
  return create_session(request, *claims, state);
}

// A new id at every login; a session the browser already held is ended (no fixation, no
// orphans).
Response AdminAuthRoutes::create_session(const Request& request, const nlohmann::json& claims,
                                         const std::string& state) {
  OidcSettings& oidc = parts_.oidc;
  auto identity = oidc::identity_from_claims(claims, oidc.identity);
  if (!identity.ok()) return callback_failure(401, "oidc-subject-invalid", state);
  if (auto previous = find_unique_cookie(request, oidc.cookie_name)) {
    (void)oidc.sessions->remove(*previous);
  }
  session::Session made{.subject = identity->subject,
                        .domain = oidc.domain,
                        .email = identity->email,
                        .issuer = oidc.client->issuer(),
                        .groups = identity->groups};
  auto id = oidc.sessions->create(std::move(made));
  if (!id.ok()) return callback_failure(503, "session-store-unavailable", state);
  Response response = admin_redirect("/admin/auth/me");
  response.add_header("Set-Cookie",
                      build_set_cookie(oidc.cookie_name, *id, session_cookie_attributes(oidc)));
  response.add_header("Set-Cookie",
                      expire_cookie(login_cookie_name(state), login_cookie_attributes(oidc)));
  return response;
}

std::optional<AdminIdentity> AdminAuthRoutes::session_identity(const Request& request,
                                                              bool& store_down) {
  if (!oidc_enabled()) return std::nullopt;
  auto id = find_unique_cookie(request, parts_.oidc.cookie_name);
  if (!id) return std::nullopt;
  auto found = parts_.oidc.sessions->get(*id);
  store_down = found.status().code() == Code::kUnavailable;
  if (!found.ok()) return std::nullopt;
  return AdminIdentity{.source = "oidc_session",
                       .subject = found->subject,
                       .domain = found->domain,
                       .email = found->email,
                       .issuer = found->issuer,
                       .groups = found->groups,
                       .csrf_binding = "session\n" + crypto::sha256_hex(*id)};
}

Response AdminAuthRoutes::logout(const Request& request) {
  OidcSettings& oidc = parts_.oidc;
  if (auto id = find_unique_cookie(request, oidc.cookie_name)) {
    if (!oidc.sessions->remove(*id).ok()) return admin_error_response(503, "session-store-unavailable");
  }
  Response response = admin_json(200, {{"ok", true}});
  response.add_header("Set-Cookie", expire_cookie(oidc.cookie_name, session_cookie_attributes(oidc)));
  return response;
}

}  // namespace smg::server::admin
