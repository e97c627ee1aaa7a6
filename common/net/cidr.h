// IP networks in CIDR notation (IPv4 and IPv6), for `trusted_proxy_cidrs`.
//
//   auto net = smg::net::Cidr::parse("10.0.0.0/8");
//   bool inside = net->contains("10.1.2.3");          // true
//   smg::net::Cidr::parse("::1/128")->contains("::1"); // true
// An IPv4-mapped IPv6 peer (::ffff:10.1.2.3) matches IPv4 networks, since dual-stack listeners
// report IPv4 clients that way. Thread-safety: immutable values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::net {

class Cidr {
 public:
  // "a.b.c.d/n" (n 0..32), "x::y/n" (n 0..128), or a bare address (a /32 or /128). Host bits
  // beyond the prefix must be zero ("10.0.0.1/8" is an error: it usually hides a typo).
  static Result<Cidr> parse(std::string_view text);
  bool contains(std::string_view address) const;
  std::string to_string() const;

 private:
  bool v6_ = false;
  std::array<uint8_t, 16> bytes_{};
  int prefix_ = 0;
};

// Parses a list; errors name the entry by position ("#2").
Result<std::vector<Cidr>> parse_cidrs(const std::vector<std::string>& texts);
bool any_contains(const std::vector<Cidr>& networks, std::string_view address);

}  // namespace smg::net
