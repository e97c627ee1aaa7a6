#include <catch2/catch.hpp>

#include <string>

#include "common/bcrypt/bcrypt.h"

using namespace smg::bcrypt;

namespace {

// crypt_blowfish / OpenBSD published vectors (cost 5).
constexpr const char* kUstarU = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
constexpr const char* kEmpty = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy";
constexpr const char* kLong = "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui";
// The 72 bytes that kLong covers; its published password goes on with "chars after 72 are ignored".
const std::string k72 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

std::string with_prefix(std::string hash, char minor) {
  hash[2] = minor;
  return hash;
}

bool matches(std::string_view password, std::string_view hash) {
  auto result = verify_password(password, hash);
  REQUIRE(result.ok());
  return *result;
}

}  // namespace

TEST_CASE("bcrypt: hash then verify round trip at cost 4", "[bcrypt]") {
  auto hash = hash_password("correct horse battery staple", 4);
  REQUIRE(hash.ok());
  CHECK(hash->size() == 60);
  CHECK(hash->rfind("$2b$04$", 0) == 0);
  CHECK(matches("correct horse battery staple", *hash));
  CHECK_FALSE(matches("correct horse battery stapler", *hash));
  CHECK_FALSE(matches("", *hash));
  CHECK(*parse_cost(*hash) == 4);
}

TEST_CASE("bcrypt: salts differ between hashes of one password", "[bcrypt]") {
  CHECK(*hash_password("same", 4) != *hash_password("same", 4));
}

TEST_CASE("bcrypt: published vectors verify as $2a$, $2b$ and $2y$", "[bcrypt]") {
  for (char minor : {'a', 'b', 'y'}) {
    CAPTURE(minor);
    CHECK(matches("U*U", with_prefix(kUstarU, minor)));
    CHECK_FALSE(matches("U*V", with_prefix(kUstarU, minor)));
    CHECK(matches("", with_prefix(kEmpty, minor)));
    CHECK(matches(k72, with_prefix(kLong, minor)));
  }
  CHECK(*parse_cost(kUstarU) == 5);
}

TEST_CASE("bcrypt: cost must be 4..31", "[bcrypt]") {
  CHECK(hash_password("pw", 3).status().reason() == "bad_bcrypt_cost");
  CHECK(hash_password("pw", 32).status().reason() == "bad_bcrypt_cost");
  CHECK(hash_password("pw", -1).status().reason() == "bad_bcrypt_cost");
  CHECK(hash_password("pw", 4).ok());
}

TEST_CASE("bcrypt: 72 bytes hash, 73 are rejected (truncation attack)", "[bcrypt][attack]") {
  CHECK(k72.size() == 72);
  auto hash = hash_password(k72, 4);
  REQUIRE(hash.ok());
  CHECK(matches(k72, *hash));

  const std::string longer = k72 + "x";
  auto rejected = hash_password(longer, 4);
  CHECK(rejected.status().reason() == "password_too_long");
  CHECK(rejected.status().code() == smg::Code::kInvalidArgument);
  // bcrypt alone would accept any password sharing the 72-byte prefix; we never do.
  CHECK_FALSE(matches(longer, *hash));
  CHECK_FALSE(matches(k72 + "chars after 72 are ignored", kLong));
}

TEST_CASE("bcrypt: a NUL byte in the password is refused (truncation attack)", "[bcrypt][attack]") {
  const std::string with_nul("abc\0def", 7);
  CHECK(hash_password(with_nul, 4).status().reason() == "password_has_nul");
  auto abc = hash_password("abc", 4);
  REQUIRE(abc.ok());
  CHECK_FALSE(matches(with_nul, *abc));
}

TEST_CASE("bcrypt: malformed hashes are errors, not crashes", "[bcrypt][attack]") {
  const std::string good = kUstarU;
  const std::vector<std::string> bad = {
      "",
      "$2a$",
      good.substr(0, 59),                          // truncated
      good + "A",                                  // too long
      with_prefix(good, 'x'),                      // buggy $2x$ variant
      "$1$" + good.substr(3),                      // MD5-crypt prefix
      "$2a$03" + good.substr(6),                   // cost below 4
      "$2a$32" + good.substr(6),                   // cost above 31
      "$2a$ab" + good.substr(6),                   // cost not digits
      "$2a$05!" + good.substr(7),                  // missing '$' after cost
      good.substr(0, 20) + "!" + good.substr(21),  // non-alphabet character
      std::string(60, '$'),
      std::string(good).replace(30, 1, std::string(1, '\0')),
  };
  for (const auto& hash : bad) {
    CAPTURE(hash);
    auto result = verify_password("U*U", hash);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().reason() == "malformed_bcrypt_hash");
    CHECK_FALSE(parse_cost(hash).ok());
  }
}

TEST_CASE("bcrypt: the dummy hash is valid and matches nothing", "[bcrypt]") {
  auto dummy = dummy_hash(4);
  REQUIRE(dummy.ok());
  CHECK(*parse_cost(*dummy) == 4);
  CHECK_FALSE(matches("", *dummy));
  CHECK_FALSE(matches("password", *dummy));
  CHECK(*dummy_hash(4) != *dummy);
  CHECK_FALSE(dummy_hash(2).ok());
}
