// The Redis session and pre-login stores against a real redis-server: what every SessionStore
// promises (tests/unit/session), plus what only a shared store shows: hashed keys, Redis expiry,
// a second store (another replica) seeing create and remove at once, and failing closed.
#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "common/crypto/crypto.h"
#include "common/session/redis_pre_login_store.h"
#include "common/session/redis_session_store.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace std::chrono_literals;
using smg::FixedClock;
using smg::redis::RedisClient;
using smg::session::RedisSessionStore;
using smg::session::Session;
using smg::test::RedisServer;

namespace {

const smg::session::SessionLimits kLimits{.ttl_secs = 1000, .idle_timeout_secs = 100};

smg::redis::ClientOptions options_for(const RedisServer& server) {
  smg::redis::ClientOptions options;
  options.url = *smg::redis::parse_redis_url(server.url());
  options.connect_timeout = 300ms;
  options.command_timeout = 300ms;
  options.reconnect_cooldown = 50ms;
  return options;
}

Session alice() {
  return Session{.subject = "user:alice@example.com",
                 .domain = "example/prod",
                 .email = "alice@example.com",
                 .issuer = "https://idp.example",
                 .groups = {"admins", "ops"}};
}

}  // namespace

TEST_CASE("redis session store: create get idle and absolute limits", "[redis][session]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  FixedClock clock(1'700'000'000);
  RedisSessionStore store(redis, kLimits, clock, "t:");
  auto id = store.create(alice());
  REQUIRE(id.ok());
  CHECK(id->size() == 43);
  auto found = store.get(*id);
  REQUIRE(found.ok());
  CHECK(found->subject == "user:alice@example.com");
  CHECK(found->groups == std::vector<std::string>{"admins", "ops"});
  CHECK(found->expires_at == clock.now_seconds() + 1000);
  CHECK(store.get(smg::session::new_session_id()).status().reason() == "session_invalid");
  CHECK(store.get("short").status().reason() == "session_invalid");

  SECTION("ids are stored hashed with the idle timeout as Redis expiry") {
    std::string key = "t:session:" + smg::crypto::sha256_hex(*id);
    CHECK(redis.command({"EXISTS", key})->integer == 1);
    auto keys = redis.command({"KEYS", "*"});
    for (const auto& k : keys->elements) CHECK(k.text.find(*id) == std::string::npos);
    int64_t ttl = redis.command({"TTL", key})->integer;
    CHECK(ttl > 90);
    CHECK(ttl <= 100);
  }
  SECTION("idle timeout: activity keeps it alive and silence ends it") {
    clock.advance(90);
    REQUIRE(store.get(*id).ok());
    clock.advance(90);
    REQUIRE(store.get(*id).ok());
    clock.advance(100);
    CHECK(store.get(*id).status().reason() == "session_invalid");
  }
  SECTION("absolute TTL ends even an active session") {
    for (int i = 0; i < 11; ++i) {
      clock.advance(90);
      REQUIRE(store.get(*id).ok());
    }
    clock.advance(90);  // 1080 s after creation
    CHECK_FALSE(store.get(*id).ok());
  }
  SECTION("another replica's store sees the session and its removal at once") {
    RedisClient other_redis(options_for(server));
    RedisSessionStore other(other_redis, kLimits, clock, "t:");
    REQUIRE(other.get(*id).ok());
    REQUIRE(store.remove(*id).ok());
    CHECK(other.get(*id).status().reason() == "session_invalid");
    CHECK(other.remove(*id).ok());  // idempotent
  }
}

TEST_CASE("redis session store: Redis down fails closed then recovers", "[redis][session]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  FixedClock clock(1'700'000'000);
  RedisSessionStore store(redis, kLimits, clock);
  auto id = store.create(alice());
  REQUIRE(id.ok());
  server.kill();
  CHECK(store.get(*id).status().reason() == "session_store_unavailable");
  CHECK(store.create(alice()).status().reason() == "session_store_unavailable");
  CHECK(store.remove(*id).reason() == "session_store_unavailable");
  server.start();
  REQUIRE(smg::test::eventually([&] { return store.create(alice()).ok(); }, 5s, 20ms));
  // Nothing was persisted: the old session is gone, not resurrected.
  CHECK(store.get(*id).status().reason() == "session_invalid");
}

TEST_CASE("redis pre-login store: single use across replicas and bounded", "[redis][session]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  FixedClock clock(1'700'000'000);
  smg::session::RedisPreLoginStore a(redis, {.ttl_secs = 600, .max_total = 5, .max_per_client = 2},
                                     clock, "t:");
  smg::session::RedisPreLoginStore b(redis, {.ttl_secs = 600, .max_total = 5, .max_per_client = 2},
                                     clock, "t:");
  smg::session::PendingLogin login{.nonce = "n", .code_verifier = "v", .binding_sha256 = "b",
                                   .client = "10.0.0.1", .created_at = 0};
  REQUIRE(a.add("state-1", login).ok());
  CHECK(a.add("state-1", login).reason() == "oidc_state_duplicate");
  auto taken = b.take("state-1");  // the callback lands on the other replica
  REQUIRE(taken.ok());
  CHECK(taken->nonce == "n");
  CHECK(taken->code_verifier == "v");
  CHECK(taken->created_at == clock.now_seconds());
  CHECK(a.take("state-1").status().reason() == "oidc_state_invalid");  // single use
  CHECK(redis.command({"EXISTS", "t:login:state-1"})->integer == 0);

  REQUIRE(a.add("s-a", login).ok());
  REQUIRE(b.add("s-b", login).ok());
  CHECK(a.add("s-c", login).reason() == "oidc_login_rate_limited");  // per client, cluster-wide
  REQUIRE(b.take("s-a").ok());
  CHECK(a.add("s-c", login).ok());  // a finished login frees its slot

  SECTION("expired logins are refused") {
    clock.advance(600);
    CHECK(a.take("s-b").status().reason() == "oidc_state_invalid");
  }
}
