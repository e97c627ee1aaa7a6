#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "common/session/pre_login_store.h"

using smg::FixedClock;
using smg::session::PendingLogin;
using smg::session::MemoryPreLoginStore;

namespace {

PendingLogin from(const std::string& client) {
  return PendingLogin{.nonce = "n", .code_verifier = "v", .binding_sha256 = "b", .client = client};
}

}  // namespace

TEST_CASE("pre-login: single use", "[session][attack]") {
  FixedClock clock(1000);
  MemoryPreLoginStore logins({}, clock);
  REQUIRE(logins.add("state-1", from("10.0.0.1")).ok());
  auto taken = logins.take("state-1");
  REQUIRE(taken.ok());
  CHECK(taken->nonce == "n");
  CHECK(logins.take("state-1").status().reason() == "oidc_state_invalid");
  CHECK(logins.take("never-issued").status().reason() == "oidc_state_invalid");
}

TEST_CASE("pre-login: expires after the TTL", "[session]") {
  FixedClock clock(1000);
  MemoryPreLoginStore logins({.ttl_secs = 600}, clock);
  REQUIRE(logins.add("a", from("10.0.0.1")).ok());
  REQUIRE(logins.add("b", from("10.0.0.1")).ok());
  clock.advance(599);
  CHECK(logins.take("a").ok());
  clock.advance(1);
  CHECK_FALSE(logins.take("b").ok());
  CHECK(logins.size() == 0);
}

TEST_CASE("pre-login: 32 per client, 256 in total, multi-tab allowed", "[session][attack]") {
  FixedClock clock(1000);
  MemoryPreLoginStore logins({}, clock);
  for (int i = 0; i < 32; ++i) {
    REQUIRE(logins.add("s" + std::to_string(i), from("10.0.0.1")).ok());
  }
  smg::Status limited = logins.add("s32", from("10.0.0.1"));
  CHECK(limited.code() == smg::Code::kResourceExhausted);
  CHECK(limited.reason() == "oidc_login_rate_limited");
  CHECK(logins.take("s0").ok());  // finishing one frees a slot
  CHECK(logins.add("s32", from("10.0.0.1")).ok());
  for (int i = 0; i < 224; ++i) {
    REQUIRE(logins.add("t" + std::to_string(i), from("10.1.0." + std::to_string(i))).ok());
  }
  CHECK(logins.size() == 256);
  CHECK(logins.add("full", from("10.9.9.9")).reason() == "oidc_login_rate_limited");
  clock.advance(600);
  CHECK(logins.add("later", from("10.0.0.1")).ok());
}
