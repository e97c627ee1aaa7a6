// The syntax of HTTP header fields (RFC 9110 §5): what a name and a value may hold. Every header
// the gateway takes from a client, and every header it sends to a worker, passes these checks,
// so a CR or LF that reached a value by any route (raw, or percent-decoded by a library) can
// never become a line break on the wire: that would let a caller smuggle a second request to a
// worker under the worker's credential.
//
//   if (!smg::server::is_header_name("X-Foo") || !smg::server::is_header_value(v)) -> 400
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smg::server {

// RFC 9110 token: 1*tchar, tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
bool is_header_name(std::string_view name);

// field-value: visible ASCII, obs-text (0x80-0xFF), SP and HTAB; never CR, LF, NUL or another
// control character.
bool is_header_value(std::string_view value);

// A %XX escape of a control character other than HTAB (%0d, %0a, %00, ...): legal field
// content, but a worker whose HTTP library percent-decodes header values (cpp-httplib 0.11 does)
// would read a line break there, so the listener refuses it as it refuses a raw one.
bool holds_encoded_control(std::string_view value);

// REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR, LOCAL_PORT: what cpp-httplib adds to a request's headers,
// and so what a worker or tool built on it may trust. A client's headers of those names are
// dropped by the listener; the peer is in Request::remote_addr.
bool is_library_pseudo_header(std::string_view name);

// The name of the first header whose name or value breaks the rules above, or nullopt. The
// name is for logs only after escaping: it may itself be the invalid part. `Headers` is any
// range of (name, value) pairs (our HeaderMap, httplib's Headers, UpstreamHeaders).
template <typename Headers>
std::optional<std::string> first_invalid_header(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (!is_header_name(name) || !is_header_value(value)) return std::string(name);
  }
  return std::nullopt;
}

}  // namespace smg::server
