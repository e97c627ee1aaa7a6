#include "server/proxy/internal/request_lines.h"

#include <strings.h>

#include <array>

#include "server/http/header_syntax.h"

namespace smg::proxy::internal {
namespace {

bool one_line(std::string_view text) {
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool sends_body(const UpstreamRequest& request) {
  return !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
         request.method == "PATCH";
}

}  // namespace

bool is_connection_header(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "connection", "keep-alive", "proxy-connection", "te",   "trailer",
      "transfer-encoding", "upgrade", "content-length", "http2-settings", "expect"};
  for (std::string_view n : kNames) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return true;
  }
  return false;
}

std::string upstream_request_head(const UpstreamRequest& request, const UpstreamTarget& target) {
  std::string head;
  head.reserve(256 + request.headers.size() * 48);
  head.append(request.method).append(" ").append(target.target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    // The listener has refused such headers already; what is not one clean line never leaves.
    if (!server::is_header_name(name) || is_connection_header(name) || !one_line(value)) {
      continue;
    }
    if (strcasecmp(name.c_str(), "host") == 0) has_host = true;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (!has_host) head.append("Host: ").append(target.host_header).append("\r\n");
  if (sends_body(request)) {
    head.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

}  // namespace smg::proxy::internal
