#include "server/admin/admin_auth_routes.h"

#include <algorithm>
#include <cctype>

#include "common/basic/basic_header.h"
#include "server/admin/admin_responses.h"
#include "server/admin/cookies.h"
#include "server/admin/https_rule.h"

namespace smg::server::admin {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool has_scheme(const std::string& header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  return std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

nlohmann::json identity_body(const AdminIdentity& identity) {
  nlohmann::json body = {{"ok", true},
                         {"source", identity.source},
                         {"subject", identity.subject},
                         {"domain", identity.domain}};
  if (!identity.email.empty()) body["email"] = identity.email;
  if (!identity.issuer.empty()) body["issuer"] = identity.issuer;
  if (!identity.groups.empty()) body["groups"] = identity.groups;
  return body;
}

}  // namespace

AdminAuthRoutes::AdminAuthRoutes(AdminAuthParts parts) : parts_(std::move(parts)) {}

bool AdminAuthRoutes::serves(const std::string& route_name) const {
  if (route_name == "admin_auth_check") return basic_enabled();
  if (route_name == "admin_auth_me") return basic_enabled() || oidc_enabled();
  return oidc_enabled();  // login, callback, logout
}

Response AdminAuthRoutes::handle(const std::string& route_name, const Request& request) {
  if (!serves(route_name)) return admin_error_response(404, "not-found");
  if (route_name == "admin_auth_check") return check(request);
  if (route_name == "admin_auth_me") return me(request);
  if (route_name == "admin_auth_login") return login(request);
  if (route_name == "admin_auth_callback") return callback(request);
  if (route_name == "admin_auth_logout") return logout(request);
  return admin_error_response(404, "not-found");
}

uint64_t AdminAuthRoutes::bcrypt_runs() const {
  return basic_enabled() ? parts_.basic.authenticator->bcrypt_runs() : 0;
}

Response AdminAuthRoutes::basic_challenge() const {
  Response response = admin_error_response(401, "unauthorized");
  response.set_header("WWW-Authenticate",
                      "Basic realm=" + quoted(parts_.basic.realm) + ", charset=\"UTF-8\"");
  return response;
}

// Order matters: size before anything (431 never costs bcrypt), then HTTPS (credentials sent in
// clear are refused unverified), then the bounded bcrypt check.
std::variant<AdminIdentity, Response> AdminAuthRoutes::authenticate_basic(const Request& request) {
  if (request.headers.count("Authorization") != 1) return basic_challenge();
  const std::string& header = request.headers.find("Authorization")->second;
  if (header.size() > basic::kMaxHeaderBytes) {
    return admin_error_response(431, "request-header-too-large");
  }
  const BasicSettings& basic = parts_.basic;
  if (!basic.allow_insecure_http && !request_is_https(request, basic.trusted_proxies)) {
    return basic_challenge();
  }
  auto who = basic.authenticator->authenticate(header);
  if (!who.ok()) {
    if (who.status().code() != Code::kResourceExhausted) return basic_challenge();
    if (who.status().reason() == "basic_header_too_large") {
      return admin_error_response(431, "request-header-too-large");
    }
    Response busy = admin_error_response(429, "admin-auth-busy");
    busy.set_header("Retry-After", "1");
    return busy;
  }
  return AdminIdentity{.source = "basic",
                       .subject = who->subject,
                       .domain = who->domain,
                       .permissions = who->permissions,
                       .csrf_binding = "basic\n" + who->subject};
}

Response AdminAuthRoutes::check(const Request& request) {
  auto outcome = authenticate_basic(request);
  if (auto* rejection = std::get_if<Response>(&outcome)) return std::move(*rejection);
  const auto& identity = std::get<AdminIdentity>(outcome);
  const auto& granted = identity.permissions;
  if (std::find(granted.begin(), granted.end(), "admin:auth:read") == granted.end()) {
    return admin_error_response(403, "admin-forbidden");
  }
  return admin_json(200, {{"ok", true},
                          {"source", "basic"},
                          {"subject", identity.subject},
                          {"domain", identity.domain}});
}

// Basic when the request carries Basic credentials, else the OIDC session cookie. A Bearer
// token authenticates nothing here.
std::variant<AdminIdentity, Response> AdminAuthRoutes::identify(const Request& request) {
  auto authorization = request.header("Authorization");
  if (basic_enabled() && authorization && has_scheme(*authorization, "basic")) {
    return authenticate_basic(request);
  }
  bool store_down = false;
  if (auto identity = session_identity(request, store_down)) return std::move(*identity);
  if (store_down) return admin_error_response(401, "session-store-unavailable");
  return basic_enabled() ? basic_challenge() : admin_error_response(401, "unauthorized");
}

Response AdminAuthRoutes::me(const Request& request) {
  auto outcome = identify(request);
  if (auto* rejection = std::get_if<Response>(&outcome)) return std::move(*rejection);
  return admin_json(200, identity_body(std::get<AdminIdentity>(outcome)));
}

}  // namespace smg::server::admin
