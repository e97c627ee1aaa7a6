#include "server/proxy/forwarding_headers.h"

#include <openssl/rand.h>
#include <strings.h>

#include <array>
#include <cstdio>

#include "server/http/header_syntax.h"

namespace smg::proxy {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Calls `each` with every comma-separated, trimmed, non-empty element of `list`.
template <typename Each>
void for_each_element(std::string_view list, Each each) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view element = trim(list.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

std::string make_token() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without randomness the token still names this process well enough for loop detection.
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 37);
  }
  std::string token = "smg-";
  char hex[3];
  for (unsigned char b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    token += hex;
  }
  return token;
}

}  // namespace

const std::string& via_token() {
  static const std::string token = make_token();
  return token;
}

bool arrived_through_us(const server::Request& request) {
  const std::string& ours = via_token();
  for (auto [it, end] = request.headers.equal_range("via"); it != end; ++it) {
    bool found = false;
    // Each element is "protocol received-by [comment]"; compare the received-by part.
    for_each_element(it->second, [&](std::string_view element) {
      auto space = element.find(' ');
      if (space == std::string_view::npos) return;
      std::string_view received_by = trim(element.substr(space + 1));
      received_by = received_by.substr(0, received_by.find(' '));
      if (received_by == ours) found = true;
    });
    if (found) return true;
  }
  return false;
}

bool is_hop_by_hop(std::string_view name, const server::Request& request) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "connection",      "keep-alive",        "proxy-connection", "te",
      "trailer",         "transfer-encoding", "upgrade",          "http2-settings",
      "x-forwarded-for", "x-forwarded-proto", "forwarded",        "via"};
  for (std::string_view known : kNames) {
    if (equals_ignore_case(name, known)) return true;
  }
  if (server::is_library_pseudo_header(name)) return true;
  bool named = false;
  for (auto [it, end] = request.headers.equal_range("connection"); it != end && !named; ++it) {
    for_each_element(it->second, [&](std::string_view option) {
      if (equals_ignore_case(option, name)) named = true;
    });
  }
  return named;
}

void add_forwarding_headers(const server::Request& request, UpstreamHeaders& headers) {
  if (!request.remote_addr.empty()) headers.emplace_back("X-Forwarded-For", request.remote_addr);
  headers.emplace_back("X-Forwarded-Proto", request.tls ? "https" : "http");
  std::string via;
  for (auto [it, end] = request.headers.equal_range("via"); it != end; ++it) {
    if (!via.empty()) via += ", ";
    via += it->second;
  }
  if (!via.empty()) via += ", ";
  via += "1.1 " + via_token();
  headers.emplace_back("Via", std::move(via));
}

}  // namespace smg::proxy
