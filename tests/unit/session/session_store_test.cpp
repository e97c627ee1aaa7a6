#include <catch2/catch.hpp>
#include <filesystem>

#include "common/clock/clock.h"
#include "common/session/memory_session_store.h"
#include "common/session/sqlite_session_store.h"
#include "tests/support/peers.h"

using smg::FixedClock;
using smg::session::Session;
using smg::session::SessionLimits;
using smg::session::SessionStore;

namespace {

const SessionLimits kLimits{.ttl_secs = 1000, .idle_timeout_secs = 100};

Session alice() {
  return Session{.subject = "user:alice@example.com",
                 .domain = "example/prod",
                 .email = "alice@example.com",
                 .issuer = "https://idp.example",
                 .groups = {"admins", "ops"}};
}

// The behaviour every store shares: run against both.
void check_store(SessionStore& store, FixedClock& clock) {
  SECTION("create returns a fresh 256-bit id and get returns the session") {
    auto first = store.create(alice());
    auto second = store.create(alice());
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->size() == 43);
    CHECK(*first != *second);
    auto found = store.get(*first);
    REQUIRE(found.ok());
    CHECK(found->subject == "user:alice@example.com");
    CHECK(found->groups == std::vector<std::string>{"admins", "ops"});
    CHECK(found->expires_at == clock.now_seconds() + 1000);
  }
  SECTION("unknown and malformed ids are invalid") {
    CHECK(store.get(smg::session::new_session_id()).status().reason() == "session_invalid");
    CHECK_FALSE(store.get("short").ok());
    CHECK_FALSE(store.get("").ok());
  }
  SECTION("idle timeout: activity keeps it alive, silence ends it") {
    auto id = store.create(alice());
    clock.advance(90);
    REQUIRE(store.get(*id).ok());
    clock.advance(90);
    REQUIRE(store.get(*id).ok());
    clock.advance(100);
    CHECK_FALSE(store.get(*id).ok());
  }
  SECTION("absolute TTL ends even an active session") {
    auto id = store.create(alice());
    for (int i = 0; i < 12; ++i) {
      clock.advance(90);
      if (i < 10) REQUIRE(store.get(*id).ok());
    }
    CHECK_FALSE(store.get(*id).ok());
  }
  SECTION("remove ends the session and is idempotent") {
    auto id = store.create(alice());
    CHECK(store.remove(*id).ok());
    CHECK_FALSE(store.get(*id).ok());
    CHECK(store.remove(*id).ok());
  }
  SECTION("purge_expired deletes only dead sessions") {
    REQUIRE(store.create(alice()).ok());
    clock.advance(60);
    auto new_id = store.create(alice());
    clock.advance(50);
    CHECK(store.purge_expired() == 1);
    CHECK(store.get(*new_id).ok());
  }
}

}  // namespace

TEST_CASE("session: memory store", "[session]") {
  FixedClock clock(1'700'000'000);
  smg::session::MemorySessionStore store(kLimits, clock);
  check_store(store, clock);
}

TEST_CASE("session: sqlite store", "[session]") {
  FixedClock clock(1'700'000'000);
  smg::test::TempDir dir;
  auto store = smg::session::SqliteSessionStore::open(dir.file("s.db"), kLimits, clock);
  REQUIRE(store.ok());
  check_store(**store, clock);
}

TEST_CASE("session: sqlite sessions survive a reopen and the file keeps no ids", "[session]") {
  FixedClock clock(1'700'000'000);
  smg::test::TempDir dir;
  std::string id;
  {
    auto store = smg::session::SqliteSessionStore::open(dir.file("s.db"), kLimits, clock);
    REQUIRE(store.ok());
    id = *(*store)->create(alice());
  }
  auto perms = std::filesystem::status(dir.file("s.db")).permissions();
  CHECK((perms & std::filesystem::perms::group_read) == std::filesystem::perms::none);
  CHECK(smg::test::read_file(dir.file("s.db")).find(id) == std::string::npos);
  auto reopened = smg::session::SqliteSessionStore::open(dir.file("s.db"), kLimits, clock);
  REQUIRE(reopened.ok());
  auto found = (*reopened)->get(id);
  REQUIRE(found.ok());
  CHECK(found->email == "alice@example.com");
}

TEST_CASE("session: ids are stored by SHA-256", "[session]") {
  std::string id = smg::session::new_session_id();
  CHECK(smg::session::plausible_session_id(id));
  CHECK(smg::session::session_key(id).size() == 64);
  CHECK_FALSE(smg::session::plausible_session_id(id + "="));
}
