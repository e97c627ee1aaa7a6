#include "server/reports/report_access.h"

#include <strings.h>

namespace smg::server::reports {

bool has_caller_credential(const Request& request) {
  if (request.header("X-API-Key")) return true;
  auto authorization = request.header("Authorization");
  return authorization && authorization->size() >= 7 &&
         strncasecmp(authorization->c_str(), "bearer ", 7) == 0;
}

ReportAccess::ReportAccess(admin::AdminAuthRoutes& admin, const policy::Enforcer* enforcer)
    : admin_(admin), enforcer_(enforcer), csrf_key_(crypto::random_bytes(32)) {}

std::vector<std::string> ReportAccess::domains(const std::string& subject,
                                               std::string_view object,
                                               std::string_view action) const {
  if (enforcer_ == nullptr) return {};
  return enforcer_->domains_granting(subject, object, action);
}

std::variant<admin::AdminIdentity, Response> ReportAccess::identify(const Request& request) {
  if (has_caller_credential(request)) return admin_error_response(403, "reports-forbidden");
  return admin_.identify(request);
}

std::variant<Viewer, Response> ReportAccess::authorize(const Request& request,
                                                       std::string_view object,
                                                       std::string_view action) {
  auto identity = identify(request);
  if (auto* rejection = std::get_if<Response>(&identity)) return std::move(*rejection);
  Viewer viewer{std::move(std::get<admin::AdminIdentity>(identity)), {}};
  viewer.domains = domains(viewer.identity.subject, object, action);
  if (viewer.domains.empty()) return admin_error_response(403, "reports-forbidden");
  return viewer;
}

std::string ReportAccess::csrf_token(const admin::AdminIdentity& identity) const {
  return crypto::base64url_encode(crypto::hmac_sha256(csrf_key_.reveal(), identity.csrf_binding));
}

bool ReportAccess::csrf_valid(const Request& request, const admin::AdminIdentity& identity) const {
  auto presented = request.header(kCsrfHeader);
  return presented && !identity.csrf_binding.empty() &&
         crypto::constant_time_equal(*presented, csrf_token(identity));
}

}  // namespace smg::server::reports
