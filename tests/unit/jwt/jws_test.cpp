#include <catch2/catch.hpp>

#include "common/crypto/crypto.h"
#include "common/jwt/jws.h"
#include "tests/unit/jwt/rfc7515_vectors.h"

using smg::crypto::base64url_encode;
using smg::jwt::parse_jws;

namespace {

std::string part(const std::string& json) { return base64url_encode(json); }

std::string reason(const std::string& token) { return parse_jws(token).status().reason(); }

}  // namespace

TEST_CASE("jws: parses RFC 7515 A.2 into header, claims, signing input and signature", "[jwt]") {
  auto jws = parse_jws(smg::test::rfc7515::kRs256Token);
  REQUIRE(jws.ok());
  CHECK(jws->alg == "RS256");
  CHECK_FALSE(jws->has_kid);
  CHECK(jws->payload["iss"] == "joe");
  CHECK(jws->signature.size() == 256);
  CHECK(jws->signing_input.find('.') != std::string::npos);
  CHECK(std::string(smg::test::rfc7515::kRs256Token).rfind(jws->signing_input + ".", 0) == 0);
}

TEST_CASE("jws: rejects malformed structure", "[jwt][attack]") {
  std::string h = part(R"({"alg":"RS256"})");
  std::string p = part(R"({"sub":"a"})");
  SECTION("two parts") { CHECK(reason(h + "." + p) == "jwt_malformed"); }
  SECTION("four parts") { CHECK(reason(h + "." + p + ".c2ln.c2ln") == "jwt_malformed"); }
  SECTION("empty signature") { CHECK(reason(h + "." + p + ".") == "jwt_malformed"); }
  SECTION("empty header") { CHECK(reason("." + p + ".c2ln") == "jwt_malformed"); }
  SECTION("non-object payload") {
    CHECK(reason(h + "." + part("[1,2]") + ".c2ln") == "jwt_malformed");
    CHECK(reason(h + "." + part("\"sub\"") + ".c2ln") == "jwt_malformed");
  }
  SECTION("payload not JSON") {
    CHECK(reason(h + "." + part("{sub") + ".c2ln") == "jwt_malformed");
  }
  SECTION("missing alg") { CHECK(reason(part("{}") + "." + p + ".c2ln") == "jwt_malformed"); }
  SECTION("alg not a string") {
    CHECK(reason(part(R"({"alg":1})") + "." + p + ".c2ln") == "jwt_malformed");
  }
}

TEST_CASE("jws: rejects malformed base64url (padding, whitespace, alphabet)", "[jwt][attack]") {
  std::string h = part(R"({"alg":"RS256"})");
  std::string p = part(R"({"sub":"a"})");
  CHECK(reason(h + "." + p + ".c2ln=") == "jwt_bad_base64");
  CHECK(reason(h + "=." + p + ".c2ln") == "jwt_bad_base64");
  CHECK(reason(h + "." + p + " .c2ln") == "jwt_bad_base64");
  CHECK(reason(h + "." + p + ".c2l n") == "jwt_bad_base64");
  CHECK(reason(h + "." + p + ".c2l+") == "jwt_bad_base64");
}

TEST_CASE("jws: rejects an oversized token", "[jwt][attack]") {
  std::string h = part(R"({"alg":"RS256"})");
  std::string p = part(R"({"pad":")" + std::string(17000, 'a') + "\"}");
  CHECK(reason(h + "." + p + ".c2ln") == "jwt_too_large");
  CHECK(parse_jws(h + "." + p + ".c2ln", 64 * 1024).ok());
}

TEST_CASE("jws: rejects a crit header", "[jwt][attack]") {
  std::string h = part(R"({"alg":"RS256","crit":["exp"],"exp":1})");
  CHECK(reason(h + "." + part("{}") + ".c2ln") == "jwt_crit_unsupported");
}

TEST_CASE("jws: error messages never echo the token", "[jwt]") {
  std::string token = part(R"({"alg":"RS256"})") + ".secretpayload=.c2ln";
  auto result = parse_jws(token);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("secretpayload") == std::string::npos);
}
