#include "server/admin/https_rule.h"

#include <strings.h>

#include <string_view>

namespace smg::server::admin {

bool request_is_https(const Request& request, const std::vector<net::Cidr>& trusted_proxies) {
  if (request.tls) return true;
  if (request.headers.count("X-Forwarded-Proto") != 1) return false;
  if (!net::any_contains(trusted_proxies, request.remote_addr)) return false;
  std::string_view value = request.headers.find("X-Forwarded-Proto")->second;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value.size() == 5 && strncasecmp(value.data(), "https", 5) == 0;
}

}  // namespace smg::server::admin
