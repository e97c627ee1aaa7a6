#include <catch2/catch.hpp>

#include "common/basic/basic_header.h"
#include "common/crypto/crypto.h"

using smg::basic::parse_basic_header;

namespace {
std::string basic(const std::string& user_pass) {
  return "Basic " + smg::crypto::base64_encode(user_pass);
}
}  // namespace

TEST_CASE("basic: parses RFC 7617 credentials", "[basic]") {
  auto c = parse_basic_header("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  REQUIRE(c.ok());
  CHECK(c->username == "Aladdin");
  CHECK(c->password.reveal() == "open sesame");
}

TEST_CASE("basic: scheme is case-insensitive", "[basic]") {
  CHECK(parse_basic_header("basic " + smg::crypto::base64_encode("a:b")).ok());
  CHECK(parse_basic_header("BASIC " + smg::crypto::base64_encode("a:b")).ok());
  CHECK(parse_basic_header("Bearer abc").status().reason() == "basic_wrong_scheme");
  CHECK(parse_basic_header("Basic").status().reason() == "basic_wrong_scheme");
  CHECK(parse_basic_header("").status().reason() == "basic_missing");
}

TEST_CASE("basic: a colon in the password is kept", "[basic]") {
  auto c = parse_basic_header(basic("admin:pa:ss:word"));
  REQUIRE(c.ok());
  CHECK(c->username == "admin");
  CHECK(c->password.reveal() == "pa:ss:word");
}

TEST_CASE("basic: UTF-8 credentials are accepted", "[basic]") {
  auto c = parse_basic_header(basic("jürgen:pässwörd-密码-🔑"));
  REQUIRE(c.ok());
  CHECK(c->username == "jürgen");
}

TEST_CASE("basic: malformed credentials are refused, never crash", "[basic][attack]") {
  for (const std::string& bad :
       {basic("no-colon"), basic(":password-only"), basic("user:pass\nword"),
        basic(std::string("user:pa\0ss", 10)), basic("user:\x7f"), basic("us\xff" "er:pw"),
        basic("user:\xc0\xaf"), basic("user:\xed\xa0\x80"), basic("user:\xe2\x82"),
        std::string("Basic !!!!"), std::string("Basic dXNlcjpwdw"), std::string("Basic dXNl cjpw")}) {
    auto c = parse_basic_header(bad);
    CHECK_FALSE(c.ok());
    CHECK(c.status().reason() == "basic_malformed");
  }
}

TEST_CASE("basic: headers over 8 KiB are refused before decoding", "[basic][attack]") {
  std::string huge = "Basic " + std::string(smg::basic::kMaxHeaderBytes, 'A');
  auto c = parse_basic_header(huge);
  CHECK(c.status().reason() == "basic_header_too_large");
  CHECK(c.status().code() == smg::Code::kResourceExhausted);
}

TEST_CASE("basic: UTF-8 validation", "[basic]") {
  using smg::basic::is_valid_utf8;
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91"));
  CHECK_FALSE(is_valid_utf8("\xc3"));
  CHECK_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
}
