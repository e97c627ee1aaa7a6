// What a request's headers become on the way to a worker, beyond credentials (data_plane_proxy):
//   - hop-by-hop headers (RFC 9110 7.6.1: Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
//     Transfer-Encoding, Upgrade, HTTP2-Settings) and every header the Connection header names
//     stay on this hop;
//   - the HTTP library's pseudo-headers (REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR, LOCAL_PORT) and
//     whatever a client sent under those names never leave the listener
//     (server::is_library_pseudo_header), and are dropped here too;
//   - X-Forwarded-For, X-Forwarded-Proto and Forwarded from the client are replaced by the
//     gateway's own: the peer address it saw and the scheme it served;
//   - Via gains this gateway's token ("1.1 smg-<16 hex>", random per process), so a request
//     that comes back to the same gateway (a worker URL that points at the gateway itself, or a
//     cycle of gateways) is recognised and answered 508 Loop Detected instead of being forwarded
//     again and again.
// Thread-safety: pure functions; the token is fixed at first use.
//
//   if (smg::proxy::arrived_through_us(request)) return error_response(508, ...);
//   bool keep = !smg::proxy::is_hop_by_hop(name, request);
//   smg::proxy::add_forwarding_headers(request, upstream_headers);
#pragma once

#include <string>
#include <string_view>

#include "server/http/exchange.h"
#include "server/proxy/upstream_client.h"

namespace smg::proxy {

// "smg-<16 lowercase hex>": this process's name in Via.
const std::string& via_token();

// True when a Via header of `request` names this gateway (via_token()).
bool arrived_through_us(const server::Request& request);

// True for a header that must not be forwarded: RFC 9110's hop-by-hop set, HTTP2-Settings,
// anything `request`'s Connection header lists, and the forwarding headers this gateway sets.
bool is_hop_by_hop(std::string_view name, const server::Request& request);

// Appends X-Forwarded-For (the peer), X-Forwarded-Proto (http|https) and Via (the client's
// Via, if any, then ours).
void add_forwarding_headers(const server::Request& request, UpstreamHeaders& headers);

}  // namespace smg::proxy
