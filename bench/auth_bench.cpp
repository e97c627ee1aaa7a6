// Auth core costs per request: API-key lookup (1 and 100 keys), JWT verification without the
// verified-token cache (parse + signature + claims) and with it (the steady state), for RS256 and
// ES256. bench/auth.sh runs this beside `openssl speed` for the same algorithms, the floor that
// an uncached verify cannot beat.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/apikey/api_key_spec.h"
#include "common/apikey/api_key_store.h"
#include "common/clock/clock.h"
#include "common/jwks/jwk_set.h"
#include "common/jwt/jwt_authenticator.h"
#include "common/jwt/verifier.h"
#include "tests/support/fake_http_client.h"
#include "tests/support/test_keys.h"

namespace {

constexpr const char* kIssuer = "https://issuer.bench";
constexpr const char* kJwksUri = "https://issuer.bench/jwks";

smg::apikey::ApiKeyStore make_store(int keys) {
  std::vector<smg::apikey::ApiKeyEntry> entries;
  for (int i = 0; i < keys; ++i) {
    std::string spec = "id" + std::to_string(i) + ":name:admin:key-" + std::to_string(i) +
                       "-0123456789abcdef0123456789abcdef";
    entries.push_back(*smg::apikey::parse_api_key_spec(spec, "bench"));
  }
  return *smg::apikey::ApiKeyStore::build(std::move(entries));
}

void BM_ApiKeyLookup(benchmark::State& state) {
  auto store = make_store(static_cast<int>(state.range(0)));
  std::string presented = "key-" + std::to_string(state.range(0) - 1) +
                          "-0123456789abcdef0123456789abcdef";
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.lookup(presented));
  }
}
BENCHMARK(BM_ApiKeyLookup)->Arg(1)->Arg(100);

struct Minted {
  std::string token;
  nlohmann::json jwks;
};

Minted mint(const std::string& key_name, const std::string& alg) {
  const auto& key = smg::test::test_key(key_name);
  nlohmann::json header = {{"alg", alg}, {"kid", "k1"}, {"typ", "JWT"}};
  nlohmann::json claims = {{"iss", kIssuer}, {"aud", "smg"}, {"sub", "bench-user"},
                           {"roles", {"admin"}}, {"exp", 4102444800}};  // 2100-01-01
  return {smg::test::mint_token(key, alg, header, claims),
          {{"keys", {smg::test::public_jwk(key, "k1", alg)}}}};
}

void verify_uncached(benchmark::State& state, const std::string& key_name, const std::string& alg) {
  Minted minted = mint(key_name, alg);
  auto keys = *smg::jwks::JwkSet::parse(minted.jwks.dump());
  smg::jwt::VerifyPolicy policy;
  policy.issuer = kIssuer;
  policy.audience = "smg";
  for (auto _ : state) {
    auto verified = smg::jwt::verify(minted.token, keys, policy, smg::SystemClock::instance());
    if (!verified.ok()) state.SkipWithError("token did not verify");
    benchmark::DoNotOptimize(verified);
  }
}

void authenticate_cached(benchmark::State& state, const std::string& key_name,
                         const std::string& alg) {
  Minted minted = mint(key_name, alg);
  smg::test::FakeHttpClient idp;
  idp.set(kJwksUri, 200, minted.jwks.dump());
  smg::jwt::JwtAuthConfig config;
  config.issuer = kIssuer;
  config.audience = "smg";
  config.jwks_uri = kJwksUri;
  smg::jwt::JwtAuthenticator auth(config, idp, smg::SystemClock::instance());
  if (!auth.authenticate(minted.token).ok()) state.SkipWithError("token did not verify");
  for (auto _ : state) {
    benchmark::DoNotOptimize(auth.authenticate(minted.token));
  }
}

void BM_JwtVerifyUncached_RS256(benchmark::State& s) { verify_uncached(s, "rsa", "RS256"); }
void BM_JwtVerifyUncached_ES256(benchmark::State& s) { verify_uncached(s, "p256", "ES256"); }
void BM_JwtAuthenticateCached_RS256(benchmark::State& s) { authenticate_cached(s, "rsa", "RS256"); }
void BM_JwtAuthenticateCached_ES256(benchmark::State& s) {
  authenticate_cached(s, "p256", "ES256");
}
BENCHMARK(BM_JwtVerifyUncached_RS256);
BENCHMARK(BM_JwtVerifyUncached_ES256);
BENCHMARK(BM_JwtAuthenticateCached_RS256);
BENCHMARK(BM_JwtAuthenticateCached_ES256);

}  // namespace

BENCHMARK_MAIN();
