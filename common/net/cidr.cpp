#include "common/net/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace smg::net {
namespace {

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

bool parse_address(std::string_view text, Address& out) {
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), out.bytes.data()) == 1) {
    out.v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.bytes.data()) == 1) {
    out.v6 = true;
    // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, out.bytes.begin())) {
      std::copy(out.bytes.begin() + 12, out.bytes.end(), out.bytes.begin());
      out.v6 = false;
    }
    return true;
  }
  return false;
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int full = bits / 8;
  for (int i = 0; i < full; ++i) {
    if (a[i] != b[i]) return false;
  }
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

Result<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  Address address;
  if (!parse_address(text.substr(0, slash), address)) {
    return invalid_argument("bad_cidr", "not an IPv4 or IPv6 address");
  }
  int max_bits = address.v6 ? 128 : 32;
  int prefix = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (bits.empty() || error != std::errc() || end != bits.data() + bits.size() || prefix < 0 ||
        prefix > max_bits) {
      return invalid_argument("bad_cidr", "prefix length must be 0.." + std::to_string(max_bits));
    }
  }
  Cidr cidr;
  cidr.v6_ = address.v6;
  cidr.bytes_ = address.bytes;
  cidr.prefix_ = prefix;
  // Host bits must be zero: compare against the address with the host part cleared.
  for (int bit = prefix; bit < max_bits; ++bit) {
    if (cidr.bytes_[bit / 8] & (0x80 >> (bit % 8))) {
      return invalid_argument("bad_cidr", "host bits are set beyond the prefix length");
    }
  }
  return cidr;
}

bool Cidr::contains(std::string_view address) const {
  Address peer;
  if (!parse_address(address, peer) || peer.v6 != v6_) {
    return false;
  }
  return prefix_equal(bytes_, peer.bytes, prefix_);
}

std::string Cidr::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buffer, sizeof buffer);
  return std::string(buffer) + "/" + std::to_string(prefix_);
}

Result<std::vector<Cidr>> parse_cidrs(const std::vector<std::string>& texts) {
  std::vector<Cidr> out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto cidr = Cidr::parse(texts[i]);
    if (!cidr.ok()) {
      return invalid_argument("bad_cidr", "#" + std::to_string(i + 1) + " (" + texts[i].substr(0, 64) +
                                              "): " + cidr.status().message());
    }
    out.push_back(*cidr);
  }
  return out;
}

bool any_contains(const std::vector<Cidr>& networks, std::string_view address) {
  for (const auto& network : networks) {
    if (network.contains(address)) return true;
  }
  return false;
}

}  // namespace smg::net
