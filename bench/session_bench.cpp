// An admin session lookup (SessionStore::get, what every browser-admin request costs) on each
// backend, same run: the memory map, the SQLite file under --data-dir, and Redis on loopback
// (a real redis-server this program starts without persistence; server.state.backend: redis),
// sequential and with 8 threads (the blocking pool looks sessions up concurrently).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "common/session/memory_session_store.h"
#include "common/session/redis_session_store.h"
#include "common/session/sqlite_session_store.h"
#include "tests/support/redis_server.h"

namespace {

using smg::session::Session;
using smg::session::SessionStore;

const smg::session::SessionLimits kLimits{.ttl_secs = 8 * 3600, .idle_timeout_secs = 3600};

Session admin() {
  return Session{.subject = "user:alice@example.com",
                 .domain = "example/prod",
                 .email = "alice@example.com",
                 .issuer = "https://idp.example",
                 .groups = {"admins"}};
}

void lookups(benchmark::State& state, SessionStore& store) {
  static thread_local std::string id;
  id = *store.create(admin());
  for (auto _ : state) {
    if (!store.get(id).ok()) state.SkipWithError("lookup failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SessionGet_Memory(benchmark::State& state) {
  static smg::session::MemorySessionStore store(kLimits, smg::SystemClock::instance());
  lookups(state, store);
}
BENCHMARK(BM_SessionGet_Memory)->Threads(1)->Threads(8)->UseRealTime();

void BM_SessionGet_Sqlite(benchmark::State& state) {
  static std::string path = (std::filesystem::temp_directory_path() / "smg_session_bench.db");
  static auto store = [] {
    std::filesystem::remove(path);
    return std::move(*smg::session::SqliteSessionStore::open(path, kLimits,
                                                             smg::SystemClock::instance()));
  }();
  lookups(state, *store);
}
BENCHMARK(BM_SessionGet_Sqlite)->Threads(1)->Threads(8)->UseRealTime();

void BM_SessionGet_RedisLoopback(benchmark::State& state) {
  static smg::test::RedisServer server;
  static smg::redis::RedisClient redis([] {
    smg::redis::ClientOptions options;
    options.url = *smg::redis::parse_redis_url(server.url());
    return options;
  }());
  static smg::session::RedisSessionStore store(redis, kLimits, smg::SystemClock::instance());
  lookups(state, store);
}
BENCHMARK(BM_SessionGet_RedisLoopback)->Threads(1)->Threads(8)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
