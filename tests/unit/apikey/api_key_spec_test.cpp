#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "common/apikey/api_key_spec.h"
#include "common/crypto/crypto.h"

using namespace smg::apikey;
using smg::Role;
using smg::crypto::sha256;

namespace {

constexpr const char* kSecret = "sk-SUPERSECRET";

// Every error must name the spec without the key in it.
void check_rejected(const std::string& spec, const std::string& expected_text) {
  CAPTURE(spec);
  auto entry = parse_api_key_spec(spec, "--control-plane-api-keys #2");
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.status().code() == smg::Code::kInvalidArgument);
  CHECK(entry.status().reason() == "bad_api_key_spec");
  const std::string& message = entry.status().message();
  CHECK(message.rfind("--control-plane-api-keys #2", 0) == 0);
  CHECK(message.find(expected_text) != std::string::npos);
  CHECK(message.find("SUPERSECRET") == std::string::npos);
}

}  // namespace

TEST_CASE("apikey: parses id:name:role:key and keeps only the digest", "[apikey]") {
  auto entry = parse_api_key_spec("admin1:Platform Admin:admin:sk-one", "test");
  REQUIRE(entry.ok());
  CHECK(entry->id == "admin1");
  CHECK(entry->name == "Platform Admin");
  CHECK(entry->role == Role::kAdmin);
  CHECK(entry->key_sha256 == sha256("sk-one"));
  CHECK(entry->key_sha256.size() == 32);
  CHECK(parse_api_key_spec("u:U:user:k", "test")->role == Role::kUser);
}

TEST_CASE("apikey: the key may contain colons, split on the first three", "[apikey]") {
  auto entry = parse_api_key_spec("ci:CI bot:user:a:b::c:", "test");
  REQUIRE(entry.ok());
  CHECK(entry->id == "ci");
  CHECK(entry->name == "CI bot");
  CHECK(entry->key_sha256 == sha256("a:b::c:"));
}

TEST_CASE("apikey: rejects a bad role", "[apikey]") {
  check_rejected(std::string("ci:CI:root:") + kSecret, "(id \"ci\"): role must be admin or user");
  check_rejected(std::string("ci:CI:Admin:") + kSecret, "role must be admin or user");
  check_rejected(std::string("ci:CI: admin:") + kSecret, "role must be admin or user");
  auto message =
      parse_api_key_spec("ci:CI:root:k", "--control-plane-api-keys #2").status().message();
  CHECK(message == "--control-plane-api-keys #2 (id \"ci\"): role must be admin or user");
}

TEST_CASE("apikey: rejects each missing or empty field", "[apikey]") {
  SECTION("missing fields") {
    check_rejected(kSecret, "expected id:name:role:key");
    check_rejected(std::string("ci:") + kSecret, "expected id:name:role:key");
    check_rejected(std::string("ci:CI:") + kSecret, "expected id:name:role:key");
    check_rejected("", "expected id:name:role:key");
  }
  SECTION("empty fields") {
    check_rejected(std::string(":CI:admin:") + kSecret, "id must not be empty");
    check_rejected(std::string("ci::admin:") + kSecret, "(id \"ci\"): name must not be empty");
    check_rejected(std::string("ci:CI::") + kSecret, "role must be admin or user");
    check_rejected("ci:CI:admin:", "(id \"ci\"): key must not be empty");
  }
  SECTION("bad labels") {
    check_rejected(std::string("c,i:CI:admin:") + kSecret, "id must not contain ':' or ','");
    check_rejected(std::string("ci:C\nI:admin:") + kSecret, "name must not contain control");
  }
}

TEST_CASE("apikey: flags are labelled by position", "[apikey]") {
  auto entries = parse_api_key_flags({"a:A:admin:ka", "b:B:user:kb"});
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[1].id == "b");

  auto bad = parse_api_key_flags({"a:A:admin:ka", std::string("b:B:boss:") + kSecret});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "--control-plane-api-keys #2 (id \"b\"): role must be admin or user");
}

TEST_CASE("apikey: env list trims entries and skips empty ones", "[apikey]") {
  auto entries =
      parse_api_key_list(" a:A:admin:ka ,\tb:B b:user:k b\n,, ,c:C:user:kc,", kApiKeysEnvVar);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].key_sha256 == sha256("ka"));
  CHECK((*entries)[1].name == "B b");
  CHECK((*entries)[1].key_sha256 == sha256("k b"));  // inner whitespace is kept
  CHECK((*entries)[2].id == "c");

  CHECK(parse_api_key_list("", kApiKeysEnvVar)->empty());
  CHECK(parse_api_key_list(" , ", kApiKeysEnvVar)->empty());
}

TEST_CASE("apikey: env list errors name the position, never the key", "[apikey][attack]") {
  auto bad = parse_api_key_list(std::string("a:A:admin:ka,,b:B:super:") + kSecret, kApiKeysEnvVar);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "CONTROL_PLANE_API_KEYS #3 (id \"b\"): role must be admin or user");

  auto missing = parse_api_key_list(kSecret, kApiKeysEnvVar);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "CONTROL_PLANE_API_KEYS #1: expected id:name:role:key");
}

TEST_CASE("apikey: reads CONTROL_PLANE_API_KEYS from the environment", "[apikey]") {
  ::setenv("SMG_TEST_API_KEYS", "a:A:admin:ka, b:B:user:kb", 1);
  auto entries = api_keys_from_env("SMG_TEST_API_KEYS");
  REQUIRE(entries.ok());
  CHECK(entries->size() == 2);
  ::unsetenv("SMG_TEST_API_KEYS");
  auto none = api_keys_from_env("SMG_TEST_API_KEYS");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("apikey: validate_key_label", "[apikey]") {
  CHECK(validate_key_label("id", "ci-1").ok());
  CHECK_FALSE(validate_key_label("id", "").ok());
  CHECK_FALSE(validate_key_label("id", "a:b").ok());
  CHECK_FALSE(validate_key_label("name", "a,b").ok());
  CHECK(validate_key_label("name", "a,b").message() == "name must not contain ':' or ','");
}
