#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "common/apikey/api_key_spec.h"
#include "common/apikey/generate.h"
#include "common/crypto/crypto.h"

using namespace smg::apikey;

TEST_CASE("apikey: generated keys are smgk_ plus 256 random bits", "[apikey][generate]") {
  smg::crypto::Secret key = generate_api_key();
  const std::string& text = key.reveal();
  REQUIRE(text.rfind("smgk_", 0) == 0);
  CHECK(text.size() == 5 + 43);
  auto raw = smg::crypto::base64url_decode(std::string_view(text).substr(5));
  REQUIRE(raw.ok());
  CHECK(raw->size() == 32);
  // Usable in every spec source: no ':' ',' or whitespace.
  CHECK(text.find_first_of(":, \t") == std::string::npos);
  CHECK(parse_api_key_spec("g:G:user:" + text, "test").ok());
}

TEST_CASE("apikey: generated keys are unique", "[apikey][generate]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    seen.insert(generate_api_key().reveal());
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("apikey: generate honours byte count and prefix", "[apikey][generate]") {
  CHECK(generate_api_key(3, "t_").reveal().size() == 2 + 4);
  CHECK(generate_api_key(16, "").reveal().size() == 22);
}
