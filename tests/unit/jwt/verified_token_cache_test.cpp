#include <catch2/catch.hpp>

#include <chrono>

#include "common/jwt/verified_token_cache.h"

using smg::jwt::VerifiedTokenCache;

namespace {
smg::Principal alice() {
  smg::Principal principal;
  principal.subject = "jwt:alice";
  return principal;
}
}  // namespace

TEST_CASE("jwt token cache: hit, miss and exp eviction", "[jwt][cache]") {
  VerifiedTokenCache cache;
  cache.insert("token-a", alice(), 1000, 1);
  auto hit = cache.find("token-a", 999, 1);
  REQUIRE(hit);
  CHECK(hit->subject == "jwt:alice");
  CHECK_FALSE(cache.find("token-b", 999, 1));
  CHECK_FALSE(cache.find("token-a", 1000, 1));  // at exp: gone, never outlives it
  CHECK(cache.size() == 0);
}

TEST_CASE("jwt token cache: a JWKS generation change drops entries", "[jwt][cache]") {
  VerifiedTokenCache cache;
  cache.insert("token-a", alice(), 1000, 1);
  CHECK_FALSE(cache.find("token-a", 10, 2));
  CHECK_FALSE(cache.find("token-a", 10, 1));
}

TEST_CASE("jwt token cache: stays bounded and evicts least recently used", "[jwt][cache]") {
  VerifiedTokenCache cache(160);  // 10 per shard
  cache.insert("keep", alice(), 1000, 1);
  for (int i = 0; i < 5000; ++i) {
    cache.insert("token-" + std::to_string(i), alice(), 1000, 1);
    if (i % 3 == 0) {
      REQUIRE(cache.find("keep", 1, 1));  // recently used: survives
    }
  }
  CHECK(cache.size() <= 160);
  CHECK(cache.find("keep", 1, 1));
  CHECK_FALSE(cache.find("token-0", 1, 1));
}

TEST_CASE("jwt token cache: steady-state hit is fast", "[jwt][cache][perf]") {
  VerifiedTokenCache cache;
  std::string token(900, 'x');  // a typical RS256 token length
  cache.insert(token, alice(), 1000, 1);
  constexpr int kIterations = 20000;
  auto start = std::chrono::steady_clock::now();
  int hits = 0;
  for (int i = 0; i < kIterations; ++i) {
    hits += cache.find(token, 1, 1) ? 1 : 0;
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(hits == kIterations);
  // Generous bound (sanitizer/debug builds, a busy CI core); typical is well under 1 µs.
  CHECK(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() / kIterations <
        20000);
}
