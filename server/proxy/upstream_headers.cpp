// find_header (upstream_client.h) on its own, so that the header code can be built without the
// transfer machinery (the request-head fuzz target does).
#include <strings.h>

#include "server/proxy/upstream_client.h"

namespace smg::proxy {

std::optional<std::string> find_header(const UpstreamHeaders& headers, std::string_view name) {
  for (const auto& [header_name, value] : headers) {
    if (header_name.size() == name.size() &&
        strncasecmp(header_name.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace smg::proxy
