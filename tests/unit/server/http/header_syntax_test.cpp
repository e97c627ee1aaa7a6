#include "server/http/header_syntax.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using smg::server::first_invalid_header;
using smg::server::is_header_name;
using smg::server::is_header_value;

TEST_CASE("header syntax: names are RFC 9110 tokens", "[http][headers]") {
  for (const char* name : {"X-Foo", "content-type", "a", "x!#$%&'*+-.^_`|~9"}) {
    CHECK(is_header_name(name));
  }
  for (std::string name : {std::string(), std::string("X Foo"), std::string("X:Foo"),
                           std::string("X(Foo)"), std::string("X\"Foo"), std::string("X@Foo"),
                           std::string("X/Foo"), std::string("X\r\nFoo"), std::string("X\0F", 3),
                           std::string("caf\xc3\xa9")}) {
    CHECK_FALSE(is_header_name(name));
  }
}

TEST_CASE("header syntax: values hold no CR, LF, NUL or other controls", "[http][headers][attack]") {
  for (std::string value : {std::string(), std::string("Bearer abc"), std::string("a\tb"),
                            std::string("50% \"q\""), std::string("caf\xc3\xa9 \xff")}) {
    CHECK(is_header_value(value));
  }
  for (std::string value : {std::string("a\r\nPOST /flush_cache HTTP/1.1"), std::string("a\rb"),
                            std::string("a\nb"), std::string("a\0b", 3), std::string("a\x1b[0m"),
                            std::string("a\x7f")}) {
    CHECK_FALSE(is_header_value(value));
  }
}

TEST_CASE("header syntax: first_invalid_header names the offending header", "[http][headers]") {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Host", "gw"}, {"X-Foo", "a\r\nb"}, {"X-Bar", "ok"}};
  CHECK(first_invalid_header(headers) == std::optional<std::string>("X-Foo"));
  headers[1].second = "ab";
  CHECK_FALSE(first_invalid_header(headers));
  headers.emplace_back("Bad Name", "v");
  CHECK(first_invalid_header(headers) == std::optional<std::string>("Bad Name"));
}
