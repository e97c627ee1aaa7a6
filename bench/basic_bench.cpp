// Browser-admin HTTP Basic cost per request: a cold check runs bcrypt (cost 12, the default),
// a warm one hits the verified-credential cache (an HMAC and a map lookup). The ratio is why the
// cache exists: without it every admin page load would cost a bcrypt run.
#include <benchmark/benchmark.h>

#include "common/basic/basic_authenticator.h"
#include "common/bcrypt/bcrypt.h"
#include "common/clock/clock.h"
#include "common/crypto/crypto.h"

namespace {

const std::string kHeader = "Basic " + smg::crypto::base64_encode("admin:correct horse battery");

std::unique_ptr<smg::basic::BasicAuthenticator> make(std::chrono::seconds ttl) {
  static const std::string hash = *smg::bcrypt::hash_password("correct horse battery", 12);
  smg::basic::BasicUser user{"admin", hash, "basic:admin", "example/prod", {"admin:auth:read"}};
  smg::basic::BasicOptions options;
  options.cache_ttl = ttl;
  return std::move(*smg::basic::BasicAuthenticator::build({user}, options,
                                                           smg::SystemClock::instance()));
}

void BM_BasicCold_Bcrypt12(benchmark::State& state) {
  auto auth = make(std::chrono::seconds(0));  // entries expire at once: every check runs bcrypt
  for (auto _ : state) {
    if (!auth->authenticate(kHeader).ok()) state.SkipWithError("rejected");
  }
}
BENCHMARK(BM_BasicCold_Bcrypt12)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_BasicWarmCache(benchmark::State& state) {
  auto auth = make(std::chrono::seconds(3600));
  (void)auth->authenticate(kHeader);
  for (auto _ : state) {
    benchmark::DoNotOptimize(auth->authenticate(kHeader));
  }
}
BENCHMARK(BM_BasicWarmCache);

}  // namespace

BENCHMARK_MAIN();
