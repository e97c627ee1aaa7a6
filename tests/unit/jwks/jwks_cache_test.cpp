#include <catch2/catch.hpp>

#include "common/jwks/jwks_cache.h"
#include "tests/support/fake_http_client.h"
#include "tests/support/test_keys.h"

using nlohmann::json;
using smg::FixedClock;
using smg::jwks::JwksCache;
using smg::jwks::JwksCacheOptions;
using smg::test::FakeHttpClient;
using smg::test::public_jwk;
using smg::test::test_key;

namespace {

constexpr const char* kIssuer = "https://idp.test";
constexpr const char* kJwksUri = "https://idp.test/jwks";
constexpr const char* kDiscovery = "https://idp.test/.well-known/openid-configuration";

std::string jwks_with(const std::string& kid) {
  return json{{"keys", {public_jwk(test_key("p256"), kid, "ES256")}}}.dump();
}

}  // namespace

TEST_CASE("jwks cache: TTL from Cache-Control max-age, clamped", "[jwks][cache]") {
  JwksCacheOptions options;
  using std::chrono::seconds;
  CHECK(smg::jwks::ttl_from_cache_control("public, max-age=600", options) == seconds(600));
  CHECK(smg::jwks::ttl_from_cache_control("max-age=5", options) == seconds(60));
  CHECK(smg::jwks::ttl_from_cache_control("max-age=999999", options) == seconds(86400));
  CHECK(smg::jwks::ttl_from_cache_control("", options) == seconds(3600));
  CHECK(smg::jwks::ttl_from_cache_control("no-store", options) == seconds(3600));
  CHECK(smg::jwks::ttl_from_cache_control("max-age=abc", options) == seconds(3600));

  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"), {{"cache-control", "max-age=600"}});
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  REQUIRE(cache.key_set().ok());
  REQUIRE(cache.key_set().ok());
  CHECK(http.count(kJwksUri) == 1);
  clock.advance(599);
  REQUIRE(cache.key_set().ok());
  CHECK(http.count(kJwksUri) == 1);
  clock.advance(1);
  REQUIRE(cache.key_set().ok());
  CHECK(http.count(kJwksUri) == 2);
  CHECK(cache.generation() == 1);  // same document: same generation
}

TEST_CASE("jwks cache: unknown kid refetches at most once per cooldown", "[jwks][cache][attack]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"));
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  REQUIRE(cache.find_key("k1").ok());
  CHECK(http.count(kJwksUri) == 1);
  for (int i = 0; i < 100; ++i) {
    auto key = cache.find_key("random-" + std::to_string(i));
    CHECK(key.status().reason() == "jwks_unknown_kid");
  }
  CHECK(http.count(kJwksUri) == 2);  // one kid-miss refetch for the whole flood
  clock.advance(29);
  for (int i = 0; i < 100; ++i) {
    CHECK_FALSE(cache.find_key("again-" + std::to_string(i)).ok());
  }
  CHECK(http.count(kJwksUri) == 2);  // the cooldown of that refetch holds
  clock.advance(1);
  for (int i = 0; i < 100; ++i) {
    CHECK_FALSE(cache.find_key("later-" + std::to_string(i)).ok());
  }
  CHECK(http.count(kJwksUri) == 3);  // one more once it is over
  SECTION("rotation: a new kid appears after the cooldown") {
    http.set(kJwksUri, 200, jwks_with("k2"));
    CHECK_FALSE(cache.find_key("k2").ok());  // still cooling down
    clock.advance(30);
    CHECK(cache.find_key("k2").ok());
    CHECK(cache.generation() == 2);
    CHECK(http.count(kJwksUri) == 4);
  }
}

TEST_CASE("jwks cache: a key rotated in just after start-up is accepted at once",
          "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"));
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  REQUIRE(cache.find_key("k1").ok());  // the start-up fetch
  clock.advance(5);
  http.set(kJwksUri, 200, jwks_with("k2"));
  auto rotated = cache.find_key("k2");
  INFO(rotated.status().reason());
  CHECK(rotated.ok());  // the start-up fetch started no cooldown
  CHECK(http.count(kJwksUri) == 2);
  CHECK(cache.generation() == 2);
  SECTION("a second unknown kid right after that refetch waits for the cooldown") {
    http.set(kJwksUri, 200, jwks_with("k3"));
    clock.advance(1);
    CHECK(cache.find_key("k3").status().reason() == "jwks_unknown_kid");
    CHECK(http.count(kJwksUri) == 2);
    clock.advance(28);  // 29 s after the refetch
    CHECK_FALSE(cache.find_key("k3").ok());
    CHECK(http.count(kJwksUri) == 2);
    clock.advance(1);
    CHECK(cache.find_key("k3").ok());
    CHECK(http.count(kJwksUri) == 3);
  }
  SECTION("an expiry refetch starts no cooldown either") {
    clock.advance(3600);  // past the default TTL: key_set() refetches
    http.set(kJwksUri, 200, jwks_with("k3"));
    REQUIRE(cache.key_set().ok());
    CHECK(http.count(kJwksUri) == 3);
    http.set(kJwksUri, 200, jwks_with("k4"));
    clock.advance(1);
    CHECK(cache.find_key("k4").ok());
    CHECK(http.count(kJwksUri) == 4);
  }
}

TEST_CASE("jwks cache: a failed kid-miss refetch holds every fetch off for the cooldown",
          "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"), {{"cache-control", "max-age=60"}});
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  REQUIRE(cache.key_set().ok());
  http.remove(kJwksUri);  // the IdP goes down
  clock.advance(1);
  CHECK(cache.find_key("k2").status().reason() == "jwks_unknown_kid");
  CHECK(http.count(kJwksUri) == 2);
  clock.advance(60);  // the set has expired and the hold-off (to 1031) is over
  for (int i = 0; i < 10; ++i) {
    CHECK(cache.find_key("k1").ok());  // the last good set keeps serving
    CHECK_FALSE(cache.find_key("k2").ok());
  }
  CHECK(http.count(kJwksUri) == 3);  // one expiry attempt: it fails and holds off again
  clock.advance(29);
  CHECK_FALSE(cache.find_key("k2").ok());
  CHECK(http.count(kJwksUri) == 3);
  http.set(kJwksUri, 200, jwks_with("k2"));
  clock.advance(1);
  CHECK(cache.find_key("k2").ok());  // the IdP is back: the expiry fetch brings k2
  CHECK(http.count(kJwksUri) == 4);
}

TEST_CASE("jwks cache: a failed start-up fetch holds retries off for the cooldown",
          "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  for (int i = 0; i < 10; ++i) {
    CHECK(cache.find_key("k1").status().reason() == "jwks_unavailable");
  }
  CHECK(http.count(kJwksUri) == 1);
  http.set(kJwksUri, 200, jwks_with("k1"));
  clock.advance(29);
  CHECK_FALSE(cache.find_key("k1").ok());
  CHECK(http.count(kJwksUri) == 1);
  clock.advance(1);
  CHECK(cache.find_key("k1").ok());
  CHECK(http.count(kJwksUri) == 2);
}

TEST_CASE("jwks cache: keeps the last good set when the IdP fails", "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"), {{"cache-control", "max-age=60"}});
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  REQUIRE(cache.key_set().ok());
  SECTION("IdP down") { http.remove(kJwksUri); }
  SECTION("IdP returns garbage") { http.set(kJwksUri, 200, "<html>oops</html>"); }
  SECTION("IdP returns 500") { http.set(kJwksUri, 500, jwks_with("k9")); }
  clock.advance(61);
  auto set = cache.key_set();
  REQUIRE(set.ok());
  CHECK((*set)->find("k1") != nullptr);
  CHECK(http.count(kJwksUri) == 2);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(cache.key_set().ok());
  }
  CHECK(http.count(kJwksUri) == 2);  // retries wait for the cooldown
  clock.advance(30);
  REQUIRE(cache.key_set().ok());
  CHECK(http.count(kJwksUri) == 3);
}

TEST_CASE("jwks cache: fails closed when never fetched", "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  auto set = cache.key_set();
  REQUIRE_FALSE(set.ok());
  CHECK(set.status().reason() == "jwks_unavailable");
  CHECK(set.status().code() == smg::Code::kUnavailable);
  CHECK(cache.find_key("k1").status().reason() == "jwks_unavailable");
}

TEST_CASE("jwks cache: refuses insecure URLs", "[jwks][cache][attack]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set("http://idp.test/jwks", 200, jwks_with("k1"));
  JwksCache cache({.jwks_uri = "http://idp.test/jwks"}, http, clock);
  CHECK(cache.key_set().status().reason() == "jwks_unavailable");
  CHECK(http.total() == 0);
  SECTION("discovery pointing at plain http") {
    http.set(kDiscovery, 200,
             json{{"issuer", kIssuer}, {"jwks_uri", "http://idp.test/jwks"}}.dump());
    JwksCache discovered({.issuer = kIssuer}, http, clock);
    CHECK_FALSE(discovered.key_set().ok());
    CHECK(http.count("http://idp.test/jwks") == 0);
  }
}

TEST_CASE("jwks cache: discovery", "[jwks][cache]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, jwks_with("k1"));
  SECTION("issuer matches") {
    http.set(kDiscovery, 200, json{{"issuer", kIssuer}, {"jwks_uri", kJwksUri}}.dump());
    JwksCache cache({.issuer = kIssuer}, http, clock);
    CHECK(cache.find_key("k1").ok());
  }
  SECTION("issuer mismatch is refused") {
    http.set(kDiscovery, 200,
             json{{"issuer", "https://evil.test"}, {"jwks_uri", kJwksUri}}.dump());
    JwksCache cache({.issuer = kIssuer}, http, clock);
    CHECK(cache.key_set().status().reason() == "jwks_unavailable");
    CHECK(http.count(kJwksUri) == 0);
  }
  SECTION("non-string issuer is refused without throwing") {
    http.set(kDiscovery, 200, json{{"issuer", 7}, {"jwks_uri", kJwksUri}}.dump());
    JwksCache cache({.issuer = kIssuer}, http, clock);
    CHECK_FALSE(cache.key_set().ok());
  }
}

TEST_CASE("jwks cache: oversized responses are refused", "[jwks][cache][attack]") {
  FakeHttpClient http;
  FixedClock clock(1000);
  http.set(kJwksUri, 200, std::string((1 << 20) + 1, ' ') + jwks_with("k1"));
  JwksCache cache({.jwks_uri = kJwksUri}, http, clock);
  CHECK(cache.key_set().status().reason() == "jwks_unavailable");
}
