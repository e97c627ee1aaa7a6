#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"

using namespace smg::crypto;

TEST_CASE("crypto: base64url round-trips every length", "[crypto]") {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto decoded = base64url_decode(base64url_encode(bytes));
    REQUIRE(decoded.ok());
    REQUIRE(*decoded == bytes);
    bytes += static_cast<char>(i * 37);
  }
}

TEST_CASE("crypto: base64url matches RFC 4648 test vectors", "[crypto]") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("foobar") == "Zm9vYmFy");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK(*base64url_decode("-_8") == "\xfb\xff");
}

TEST_CASE("crypto: base64url decode is strict", "[crypto][attack]") {
  SECTION("padding") { CHECK(base64url_decode("Zg==").status().reason() == "bad_base64url"); }
  SECTION("whitespace") {
    CHECK_FALSE(base64url_decode("Zm9v YmFy").ok());
    CHECK_FALSE(base64url_decode("Zm9v\nYmFy").ok());
    CHECK_FALSE(base64url_decode(" Zm9v").ok());
  }
  SECTION("standard alphabet") { CHECK_FALSE(base64url_decode("+/8").ok()); }
  SECTION("non-ascii and nul") {
    CHECK_FALSE(base64url_decode(std::string("Zm\0v", 4)).ok());
    CHECK_FALSE(base64url_decode("Zm\xc3\xa9v").ok());
  }
  SECTION("impossible length") { CHECK_FALSE(base64url_decode("Zm9vY").ok()); }
  SECTION("non-canonical trailing bits") {
    CHECK(base64url_decode("Zg").ok());
    CHECK_FALSE(base64url_decode("Zh").ok());
  }
}

TEST_CASE("crypto: standard base64 with padding", "[crypto]") {
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(*base64_decode("Zm9vYg==") == "foob");
  CHECK(*base64_decode("YWxhZGRpbjpvcGVuc2VzYW1l") == "aladdin:opensesame");
  CHECK_FALSE(base64_decode("Zm9vYg=").ok());
  CHECK_FALSE(base64_decode("Zm9v=g==").ok());
  CHECK_FALSE(base64_decode("Zm9v-g==").ok());
}

TEST_CASE("crypto: sha256 and hmac match FIPS 180-2 and RFC 4231 vectors", "[crypto]") {
  CHECK(sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("crypto: hex round-trip and rejects bad input", "[crypto]") {
  CHECK(*from_hex("00ffAb") == std::string("\x00\xff\xab", 3));
  CHECK_FALSE(from_hex("abc").ok());
  CHECK_FALSE(from_hex("zz").ok());
}

TEST_CASE("crypto: random bytes differ and have the asked length", "[crypto]") {
  auto a = random_bytes(32);
  auto b = random_bytes(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(random_bytes(0).empty());
}

TEST_CASE("crypto: constant_time_equal", "[crypto]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST_CASE("crypto: Secret wipes and moves", "[crypto]") {
  Secret a("hunter2");
  Secret b = std::move(a);
  CHECK(a.empty());
  CHECK(b.reveal() == "hunter2");
  Secret c;
  c = b;
  CHECK(c.reveal() == "hunter2");
  std::string s = "password";
  secure_erase(s);
  CHECK(s.empty());
}
