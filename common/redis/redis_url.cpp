#include "common/redis/redis_url.h"

#include <charconv>
#include <cstdint>

namespace smg::redis {
namespace {

constexpr std::size_t kMaxUrlLength = 2048;

Status bad_url(const std::string& why) {
  return invalid_argument("redis_url_invalid", "Redis URL: " + why);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of the userinfo part; a broken escape is an error, not a literal '%'.
Result<std::string> percent_decode(std::string_view text, const char* what) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) return bad_url(std::string("bad percent-escape in the ") + what);
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

Result<int> parse_number(std::string_view text, int64_t max, const char* what) {
  int64_t value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return bad_url(std::string(what) + " must be a number from 0 to " + std::to_string(max));
  }
  return static_cast<int>(value);
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '-' || c == '_';
}

// host[:port] or [v6][:port].
Status parse_host_port(std::string_view text, RedisUrl& url) {
  std::string_view host = text;
  std::string_view after_host;  // "" or ":port"
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return bad_url("unterminated [IPv6] host");
    host = text.substr(1, close - 1);
    after_host = text.substr(close + 1);
    for (char c : host) {
      if (hex_digit(c) < 0 && c != ':' && c != '.') return bad_url("bad IPv6 host");
    }
  } else {
    std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      after_host = text.substr(colon);
    }
    for (char c : host) {
      if (!valid_host_char(c)) return bad_url("bad character in the host");
    }
  }
  if (host.empty()) return bad_url("no host");
  url.host = std::string(host);
  if (after_host.empty()) return Status::ok_status();
  if (after_host.front() != ':') return bad_url("junk after the [IPv6] host");
  auto port = parse_number(after_host.substr(1), 65535, "the port");
  if (!port.ok()) return port.status();
  if (*port == 0) return bad_url("the port must be from 1 to 65535");
  url.port = *port;
  return Status::ok_status();
}

Status parse_userinfo(std::string_view text, RedisUrl& url) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return bad_url("credentials must be :password@ or user:password@");
  }
  auto user = percent_decode(text.substr(0, colon), "user");
  if (!user.ok()) return user.status();
  auto password = percent_decode(text.substr(colon + 1), "password");
  if (!password.ok()) return password.status();
  url.user = std::move(*user);
  url.password = crypto::Secret(std::move(*password));
  return Status::ok_status();
}

}  // namespace

std::string RedisUrl::describe() const {
  bool v6 = host.find(':') != std::string::npos;
  std::string shown = v6 ? "[" + host + "]" : host;
  return "redis://" + shown + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Result<RedisUrl> parse_redis_url(std::string_view text) {
  if (text.size() > kMaxUrlLength) return bad_url("longer than 2048 bytes");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return bad_url("control character or space");
    }
  }
  constexpr std::string_view kScheme = "redis://";
  if (text.rfind("rediss://", 0) == 0) return bad_url("rediss:// (TLS) is not supported");
  if (text.rfind(kScheme, 0) != 0) return bad_url("must start with redis://");
  std::string_view rest = text.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad_url("query strings and fragments are not supported");
  }
  RedisUrl url;
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto number = parse_number(db, 1000000, "the database");
      if (!number.ok()) return number.status();
      url.db = *number;
    }
  }
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (Status user = parse_userinfo(authority.substr(0, at), url); !user.ok()) return user;
    authority = authority.substr(at + 1);
  }
  if (Status host = parse_host_port(authority, url); !host.ok()) return host;
  return url;
}

}  // namespace smg::redis
