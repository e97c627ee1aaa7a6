// The request head the gateway writes to a worker (UpstreamClient): the request line, the
// caller's headers minus the hop-by-hop and framing ones (and any line holding CR, LF or NUL:
// never a second request on the worker connection), Host from the URL unless given, and
// Content-Length for a body. Also which response headers are the hop's own.
// Thread-safety: pure functions.
//
//   std::string head = upstream_request_head(request, *parse_upstream_url(request.url));
#pragma once

#include <string>
#include <string_view>

#include "server/proxy/internal/upstream_target.h"
#include "server/proxy/upstream_client.h"

namespace smg::proxy::internal {

// Hop-by-hop (RFC 9110 7.6.1) and framing headers, Expect and HTTP2-Settings.
bool is_connection_header(std::string_view name);

std::string upstream_request_head(const UpstreamRequest& request, const UpstreamTarget& target);

}  // namespace smg::proxy::internal
