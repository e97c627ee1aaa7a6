#include "server/proxy/internal/upstream_target.h"

namespace smg::proxy::internal {
namespace {

Status bad_url(std::string_view why) {
  return unavailable("upstream_connect_failed", "not a worker URL: " + std::string(why));
}

}  // namespace

Result<UpstreamTarget> parse_upstream_url(std::string_view url) {
  UpstreamTarget target;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
    target.tls = true;
  } else {
    return bad_url("only http:// and https:// are served");
  }
  std::size_t path = url.find_first_of("/?");
  std::string_view authority = url.substr(0, path);
  target.target = path == std::string_view::npos ? "/" : std::string(url.substr(path));
  if (target.target.front() == '?') target.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return bad_url("user info in the URL");
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url("unclosed IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad_url("text after the IPv6 address");
      port = rest.substr(1);
    }
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad_url("no host");
  for (char c : port) {
    if (c < '0' || c > '9') return bad_url("a port that is not a number");
  }
  if (port.size() > 5) return bad_url("a port out of range");
  target.host = std::string(host);
  target.port = port.empty() ? (target.tls ? "443" : "80") : std::string(port);
  if (std::stoi(target.port) > 65535 || std::stoi(target.port) == 0) {
    return bad_url("a port out of range");
  }
  bool v6 = target.host.find(':') != std::string::npos;
  target.host_header = (v6 ? "[" + target.host + "]" : target.host);
  if (!port.empty()) target.host_header += ":" + target.port;
  return target;
}

}  // namespace smg::proxy::internal
