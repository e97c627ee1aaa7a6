// UpstreamTarget: where a worker URL points (scheme, host, port, path) for UpstreamClient.
// Thread-safety: pure functions.
//
//   auto target = parse_upstream_url("http://10.0.0.7:8000/v1/models");  // Result<UpstreamTarget>
//   target->origin();  // "http://10.0.0.7:8000": the connection pool's key
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::proxy::internal {

struct UpstreamTarget {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // "80" / "443" when the URL names none
  std::string target;  // path and query, "/" when empty
  std::string host_header;  // as the Host header: host[:port] (IPv6 in brackets)
  std::string origin() const { return (tls ? "https://" : "http://") + host_header; }
};

// http:// and https:// URLs only; "upstream_connect_failed" for anything else.
Result<UpstreamTarget> parse_upstream_url(std::string_view url);

}  // namespace smg::proxy::internal
