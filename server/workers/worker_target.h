// Which addresses a worker URL may point at. Link-local and cloud metadata endpoints are refused
// unless the operator allows them (--allow-link-local-workers): an admin key, or a stolen one,
// must not turn the gateway into a way to read the instance's credentials from
// 169.254.169.254. Every spelling of such a host is caught: IPv4 in the forms inet_aton (and so
// getaddrinfo) accepts (169.254.169.254, 0xa9fea9fe, 2852039166, 0251.0376.0251.0376,
// 169.254.43518), IPv6 link-local and AWS's fd00:ec2::254, IPv4-mapped and NAT64 forms of
// either, and the metadata host names. Names that resolve to such an address are caught when
// the proxy connects (is_refused_address on the resolved address).
// Thread-safety: pure functions.
//
//   Status ok = smg::workers::check_worker_target("http://169.254.169.254", false);
//   // kInvalidArgument, reason "worker_target_refused"
#pragma once

#include <sys/socket.h>

#include <string_view>

#include "common/status.h"

namespace smg::workers {

// True for 169.254.0.0/16, Alibaba's 100.100.100.200, fe80::/10, fd00:ec2::254 and the
// IPv4-mapped (::ffff:0:0/96) and NAT64 (64:ff9b::/96) forms of the IPv4 ones.
bool is_refused_address(const sockaddr* address);

// `url` is a normalized worker URL (normalize_worker_url). OK unless its host is refused above
// (as a literal in any spelling) or is a metadata host name; allow_link_local skips the check.
Status check_worker_target(std::string_view url, bool allow_link_local);

}  // namespace smg::workers
