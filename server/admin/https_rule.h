// Whether an admin request arrived over HTTPS: the listener's own TLS, or
// `X-Forwarded-Proto: https` sent by a peer inside trusted_proxy_cidrs. The header must appear
// exactly once with exactly one value: "https, http" or two headers are refused, since a proxy
// that appends would let a client smuggle its own value first.
// Thread-safety: pure functions.
//
//   bool https = request_is_https(request, trusted_proxies);
#pragma once

#include <vector>

#include "common/net/cidr.h"
#include "server/http/exchange.h"

namespace smg::server::admin {

bool request_is_https(const Request& request, const std::vector<net::Cidr>& trusted_proxies);

}  // namespace smg::server::admin
