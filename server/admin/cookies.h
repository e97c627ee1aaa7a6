// Cookies for the browser-admin routes: reading the Cookie request header (RFC 6265 §5.4, as
// browsers send it) and building Set-Cookie values (§4.1).
//
// Parsing is defensive: Cookie headers come from anyone. Pairs without '=' or with an invalid
// name are skipped, surrounding DQUOTEs are removed, values with control characters, spaces,
// commas, semicolons or backslashes are skipped, and at most kMaxCookies pairs are read.
// find_unique_cookie() refuses a name sent twice: duplicates only happen when someone planted a
// cookie with another Path or Domain (cookie tossing), and guessing which one is ours is unsafe.
// Thread-safety: pure functions.
//
//   auto id = find_unique_cookie(request, "smg_admin_session");
//   response.add_header("Set-Cookie", build_set_cookie("smg_admin_session", *id, attributes));
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/exchange.h"

namespace smg::server::admin {

constexpr std::size_t kMaxCookies = 64;

struct Cookie {
  std::string name;
  std::string value;
};

struct CookieAttributes {
  std::string path = "/admin";
  bool http_only = true;
  bool secure = true;
  std::string same_site = "Strict";  // Strict | Lax | None
  std::optional<int64_t> max_age;    // seconds; 0 expires the cookie
};

bool valid_cookie_name(std::string_view name);   // an RFC 7230 token
bool valid_cookie_value(std::string_view value);  // RFC 6265 cookie-octets, unquoted
std::vector<Cookie> parse_cookie_header(std::string_view header);
// The value of the only cookie called `name` across all Cookie headers; nullopt when absent or
// sent more than once.
std::optional<std::string> find_unique_cookie(const Request& request, std::string_view name);

// REQUIRES: valid_cookie_name(name) and valid_cookie_value(value).
std::string build_set_cookie(std::string_view name, std::string_view value,
                             const CookieAttributes& attributes);
// An empty value with Max-Age=0 and an Expires in 1970, so every browser drops it.
std::string expire_cookie(std::string_view name, CookieAttributes attributes);
// "strict" → "Strict", "lax" → "Lax", "none" → "None".
std::string same_site_attribute(std::string_view configured);

}  // namespace smg::server::admin
