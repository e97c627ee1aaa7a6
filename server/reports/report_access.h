// ReportAccess: who may use the admin report surface, and on which domains' data.
// Identity comes from the browser-admin authenticator (Basic or an
// OIDC session); a caller bearer token is never an admin credential here (403
// reports-forbidden). The policy engine then says in which domains the subject may do the action
// on the object; none at all is 403, and every query is scoped to the domains returned.
// State-changing calls from a browser also need the CSRF token that GET .../session hands out,
// in the X-CSRF-Token header: an HMAC of the session (or Basic subject) under a per-process key.
// Thread-safety: thread-safe after construction.
//
//   ReportAccess access(admin_routes, &enforcer);
//   auto viewer = access.authorize(request, kReportsObject, "read");
//   if (auto* denied = std::get_if<Response>(&viewer)) return std::move(*denied);
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/crypto/crypto.h"
#include "common/policy/enforcer.h"
#include "server/admin/admin_auth_routes.h"
#include "server/http/exchange.h"

namespace smg::server::reports {

inline constexpr const char* kReportsObject = "admin:reports";
inline constexpr const char* kSecurityObject = "admin:security_reports";
inline constexpr const char* kContentObject = "content:capture";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

struct Viewer {
  admin::AdminIdentity identity;
  std::vector<std::string> domains;  // where the checked action is granted; never empty
};

class ReportAccess {
 public:
  // REQUIRES: `admin` outlives this; `enforcer` may be null (nothing is granted).
  ReportAccess(admin::AdminAuthRoutes& admin, const policy::Enforcer* enforcer);

  // The viewer, or the response to send: 403 reports-forbidden for a bearer token or when the
  // action is granted in no domain, 401 (with the Basic challenge when Basic is on) without an
  // identity.
  std::variant<Viewer, Response> authorize(const Request& request, std::string_view object,
                                           std::string_view action);
  // Identity only (403 reports-forbidden for a bearer, else the authenticator's 401/429/431).
  std::variant<admin::AdminIdentity, Response> identify(const Request& request);
  std::vector<std::string> domains(const std::string& subject, std::string_view object,
                                   std::string_view action) const;

  std::string csrf_token(const admin::AdminIdentity& identity) const;
  bool csrf_valid(const Request& request, const admin::AdminIdentity& identity) const;

 private:
  admin::AdminAuthRoutes& admin_;
  const policy::Enforcer* enforcer_;
  crypto::Secret csrf_key_;
};

// True when the request carries a bearer token or X-API-Key (a caller credential).
bool has_caller_credential(const Request& request);

}  // namespace smg::server::reports
