#include "server/admin/cookies.h"

#include <strings.h>

namespace smg::server::admin {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool token_char(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  return std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) ==
         std::string_view::npos;
}

}  // namespace

bool valid_cookie_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (unsigned char c : name) {
    if (!token_char(c)) return false;
  }
  return true;
}

bool valid_cookie_value(std::string_view value) {
  if (value.size() > 4096) return false;
  for (unsigned char c : value) {
    bool octet = c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
                 (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
    if (!octet) return false;
  }
  return true;
}

std::vector<Cookie> parse_cookie_header(std::string_view header) {
  std::vector<Cookie> cookies;
  while (!header.empty() && cookies.size() < kMaxCookies) {
    auto semicolon = header.find(';');
    std::string_view pair = trim(header.substr(0, semicolon));
    header = semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    auto equals = pair.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = trim(pair.substr(0, equals));
    std::string_view value = trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!valid_cookie_name(name) || !valid_cookie_value(value)) continue;
    cookies.push_back({std::string(name), std::string(value)});
  }
  return cookies;
}

std::optional<std::string> find_unique_cookie(const Request& request, std::string_view name) {
  std::optional<std::string> found;
  int seen = 0;
  auto [begin, end] = request.headers.equal_range("Cookie");
  for (auto it = begin; it != end; ++it) {
    for (auto& cookie : parse_cookie_header(it->second)) {
      if (cookie.name != name) continue;
      ++seen;
      found = std::move(cookie.value);
    }
  }
  if (seen != 1) return std::nullopt;
  return found;
}

std::string build_set_cookie(std::string_view name, std::string_view value,
                             const CookieAttributes& attributes) {
  std::string out = std::string(name) + "=" + std::string(value);
  if (!attributes.path.empty()) out += "; Path=" + attributes.path;
  if (attributes.max_age) out += "; Max-Age=" + std::to_string(*attributes.max_age);
  if (attributes.max_age && *attributes.max_age <= 0) {
    out += "; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  }
  if (attributes.http_only) out += "; HttpOnly";
  // SameSite=None is only honoured on Secure cookies.
  if (attributes.secure || attributes.same_site == "None") out += "; Secure";
  if (!attributes.same_site.empty()) out += "; SameSite=" + attributes.same_site;
  return out;
}

std::string expire_cookie(std::string_view name, CookieAttributes attributes) {
  attributes.max_age = 0;
  return build_set_cookie(name, "", attributes);
}

std::string same_site_attribute(std::string_view configured) {
  if (strncasecmp(configured.data(), "lax", configured.size()) == 0 && configured.size() == 3) {
    return "Lax";
  }
  if (configured.size() == 4 && strncasecmp(configured.data(), "none", 4) == 0) return "None";
  return "Strict";
}

}  // namespace smg::server::admin
