#include "common/policy/startup_grants.h"

#include "common/policy/policy_csv.h"

namespace smg::policy {
namespace {

std::vector<std::string> role_grant(std::string_view token_id, std::string_view domain,
                                    const std::string& role, const std::string& object,
                                    const std::string& actions) {
  const std::string dom(domain);
  return {format_csv_line({"p", role, dom, object, actions}),
          format_csv_line({"g", "caller:" + std::string(token_id), role, dom})};
}

}  // namespace

std::vector<std::string> metrics_admin_grant(std::string_view token_id, std::string_view domain) {
  return role_grant(token_id, domain, "metrics_admin", "metrics", "read");
}

std::vector<std::string> content_admin_grant(std::string_view token_id, std::string_view domain) {
  return role_grant(token_id, domain, "content_admin", "content:capture", "delete|purge");
}

void append_lines(std::vector<std::string>& lines, const std::vector<std::string>& extra) {
  lines.insert(lines.end(), extra.begin(), extra.end());
}

}  // namespace smg::policy
