#include "server/workers/worker_target.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>
#include <string>

namespace smg::workers {
namespace {

// Host-order IPv4.
bool refused_v4(uint32_t address) {
  if ((address >> 16) == 0xA9FE) return true;  // 169.254.0.0/16: link-local, most clouds' metadata
  return address == 0x646464C8;                // 100.100.100.200: Alibaba Cloud metadata
}

bool refused_v6(const in6_addr& address) {
  const uint8_t* b = address.s6_addr;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  // fd00:ec2::254, AWS's IPv6 metadata endpoint.
  static constexpr std::array<uint8_t, 16> kAwsMetadata = {
      0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
  if (std::memcmp(b, kAwsMetadata.data(), 16) == 0) return true;
  static constexpr std::array<uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr std::array<uint8_t, 12> kNat64 = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kMapped.data(), 12) == 0 || std::memcmp(b, kNat64.data(), 12) == 0) {
    uint32_t v4 =
        (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return refused_v4(v4);
  }
  return false;
}

bool is_metadata_name(std::string name) {
  while (!name.empty() && name.back() == '.') name.pop_back();
  for (const char* known : {"metadata.google.internal", "metadata.goog", "metadata",
                            "instance-data", "instance-data.ec2.internal", "metadata.azure.com"}) {
    if (name == known) return true;
  }
  return false;
}

// The host of a normalized URL (lower case), brackets removed from IPv6 literals.
std::string host_of(std::string_view url) {
  auto scheme_end = url.find("://");
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return std::string(authority.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  return std::string(authority.substr(0, authority.rfind(':')));
}

Status refused(const std::string& host) {
  return invalid_argument("worker_target_refused",
                          "worker url host " + host.substr(0, 256) +
                              " is a link-local or cloud metadata address; start the gateway with "
                              "--allow-link-local-workers to allow it");
}

}  // namespace

bool is_refused_address(const sockaddr* address) {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return refused_v4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    return refused_v6(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  }
  return false;
}

Status check_worker_target(std::string_view url, bool allow_link_local) {
  if (allow_link_local) return Status();
  std::string host = host_of(url);
  in_addr v4{};
  // inet_aton takes every legacy spelling getaddrinfo would resolve without DNS.
  if (inet_aton(host.c_str(), &v4) != 0 && refused_v4(ntohl(v4.s_addr))) return refused(host);
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1 && refused_v6(v6)) return refused(host);
  if (is_metadata_name(host)) return refused(host);
  return Status();
}

}  // namespace smg::workers
