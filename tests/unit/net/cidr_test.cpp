#include <catch2/catch.hpp>

#include "common/net/cidr.h"

using smg::net::Cidr;

TEST_CASE("cidr: IPv4 networks", "[cidr]") {
  auto net = Cidr::parse("10.0.0.0/8");
  REQUIRE(net.ok());
  CHECK(net->contains("10.255.1.2"));
  CHECK_FALSE(net->contains("11.0.0.1"));
  CHECK(Cidr::parse("127.0.0.1/32")->contains("127.0.0.1"));
  CHECK_FALSE(Cidr::parse("127.0.0.1/32")->contains("127.0.0.2"));
  CHECK(Cidr::parse("0.0.0.0/0")->contains("8.8.8.8"));
  CHECK(Cidr::parse("192.168.1.128/25")->contains("192.168.1.200"));
  CHECK_FALSE(Cidr::parse("192.168.1.128/25")->contains("192.168.1.100"));
  CHECK(Cidr::parse("127.0.0.1")->contains("127.0.0.1"));
}

TEST_CASE("cidr: IPv6 networks and IPv4-mapped peers", "[cidr]") {
  CHECK(Cidr::parse("::1/128")->contains("::1"));
  CHECK_FALSE(Cidr::parse("::1/128")->contains("::2"));
  CHECK(Cidr::parse("fd00::/8")->contains("fd12:3456::1"));
  CHECK_FALSE(Cidr::parse("fd00::/8")->contains("fe80::1"));
  CHECK(Cidr::parse("10.0.0.0/8")->contains("::ffff:10.1.2.3"));
  CHECK_FALSE(Cidr::parse("::1/128")->contains("127.0.0.1"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/8")->contains("fd00::1"));
}

TEST_CASE("cidr: malformed networks and peers", "[cidr]") {
  CHECK_FALSE(Cidr::parse("10.0.0.0/33").ok());
  CHECK_FALSE(Cidr::parse("10.0.0.0/").ok());
  CHECK_FALSE(Cidr::parse("10.0.0.0/8x").ok());
  CHECK_FALSE(Cidr::parse("10.0.0.1/8").ok());  // host bits set
  CHECK_FALSE(Cidr::parse("example.com/8").ok());
  CHECK_FALSE(Cidr::parse("::1/129").ok());
  CHECK_FALSE(Cidr::parse("").ok());
  CHECK_FALSE(Cidr::parse("10.0.0.0/8")->contains("not an ip"));
  auto list = smg::net::parse_cidrs({"127.0.0.1/32", "bogus"});
  REQUIRE_FALSE(list.ok());
  CHECK(list.status().message().find("#2") != std::string::npos);
  CHECK(Cidr::parse("fd00::/8")->to_string() == "fd00::/8");
}
