// Browser-admin identity routes (`/admin/auth/*`):
//   GET  /admin/auth/check     HTTP Basic; 200 / 401 + challenge / 403 admin-forbidden / 431 / 429
//   GET  /admin/auth/login     302 to the IdP (state, nonce, PKCE S256), pre-login cookie
//   GET  /admin/auth/callback  code exchange, ID token checks, new server-side session, 302 /me
//   GET  /admin/auth/me        the current Basic or OIDC-session identity (never tokens)
//   POST /admin/auth/logout    deletes the server-side session, expires the cookie
// A route whose identity method is disabled answers 404 (rollback). Bearer tokens are never
// browser-admin credentials. Every error uses admin_error_response (no-store, nosniff).
// Built once by GatewayRuntime (AdminAuthParts owns the ready objects); handle() is thread-safe.
//
//   AdminAuthRoutes routes(std::move(parts));
//   if (!routes.serves("admin_auth_check")) return 404;
//   Response r = routes.handle("admin_auth_check", request);
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/basic/basic_authenticator.h"
#include "common/net/cidr.h"
#include "common/oidc/identity.h"
#include "common/oidc/oidc_client.h"
#include "common/session/pre_login_store.h"
#include "common/session/session_store.h"
#include "server/http/exchange.h"

namespace smg::server::admin {

struct BasicSettings {
  std::unique_ptr<basic::BasicAuthenticator> authenticator;  // null: Basic disabled
  std::string realm{};
  bool allow_insecure_http = false;
  std::vector<net::Cidr> trusted_proxies;
};

struct OidcSettings {
  std::unique_ptr<oidc::OidcClient> client;  // null: OIDC disabled
  oidc::IdentityRules identity;
  std::string domain{};  // admin domain given to OIDC sessions, e.g. example/prod
  std::unique_ptr<session::SessionStore> sessions;
  std::unique_ptr<session::PreLoginStore> logins;
  std::string cookie_name = "smg_admin_session";
  int64_t session_ttl_secs = 8 * 3600;
  bool secure_cookies = true;
  std::string same_site = "Strict";  // Set-Cookie spelling
};

struct AdminAuthParts {
  BasicSettings basic;
  OidcSettings oidc;
};

// The identity behind an admin request.
struct AdminIdentity {
  std::string source{};  // "basic" | "oidc_session"
  std::string subject{};
  std::string domain{};
  std::string email{};
  std::string issuer{};
  std::vector<std::string> groups{};
  std::vector<std::string> permissions{};  // Basic users' configured permissions
  // What a CSRF token is bound to: the session (its id's SHA-256) or the Basic subject.
  std::string csrf_binding{};
};

class AdminAuthRoutes {
 public:
  explicit AdminAuthRoutes(AdminAuthParts parts);

  // Route names from route_table: admin_auth_check, _login, _callback, _me, _logout.
  bool serves(const std::string& route_name) const;
  Response handle(const std::string& route_name, const Request& request);

  // The Basic or OIDC-session identity behind a request (Basic when the request carries Basic
  // credentials, else the session cookie), or the 401/429/431 response to send instead (401
  // session-store-unavailable when the session store cannot be reached). Other
  // admin surfaces (reports) authenticate through this, then authorize with the policy engine.
  std::variant<AdminIdentity, Response> identify(const Request& request);

  bool basic_enabled() const { return parts_.basic.authenticator != nullptr; }
  bool oidc_enabled() const { return parts_.oidc.client != nullptr; }
  uint64_t bcrypt_runs() const;

 private:
  // Basic: the identity, or the response to send instead (401/429/431).
  std::variant<AdminIdentity, Response> authenticate_basic(const Request& request);
  Response basic_challenge() const;
  // The session's identity; nullopt when there is none, with `store_down` set when the store
  // could not be asked (fail closed: 401 session-store-unavailable).
  std::optional<AdminIdentity> session_identity(const Request& request, bool& store_down);

  Response check(const Request& request);
  Response me(const Request& request);
  Response logout(const Request& request);
  Response login(const Request& request);
  Response callback(const Request& request);
  Response callback_failure(int status, const std::string& type, const std::string& state);
  Response create_session(const Request& request, const nlohmann::json& claims,
                          const std::string& state);

  std::string login_cookie_name(const std::string& state) const;
  AdminAuthParts parts_;
};

}  // namespace smg::server::admin
