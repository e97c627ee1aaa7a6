#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "common/basic/basic_authenticator.h"
#include "common/bcrypt/bcrypt.h"
#include "common/crypto/crypto.h"

using namespace smg::basic;

namespace {

std::string basic(const std::string& user_pass) {
  return "Basic " + smg::crypto::base64_encode(user_pass);
}

BasicUser admin_user(const std::string& password) {
  return {"admin", *smg::bcrypt::hash_password(password, 4), "basic:admin", "example/prod",
          {"admin:auth:read"}};
}

}  // namespace

TEST_CASE("basic auth: valid credentials give the configured identity", "[basic]") {
  smg::FixedClock clock(1000);
  auto auth = BasicAuthenticator::build({admin_user("s3cret:with:colons")}, {}, clock);
  REQUIRE(auth.ok());
  auto who = (*auth)->authenticate(basic("admin:s3cret:with:colons"));
  REQUIRE(who.ok());
  CHECK(who->subject == "basic:admin");
  CHECK(who->domain == "example/prod");
  CHECK(who->permissions == std::vector<std::string>{"admin:auth:read"});
}

TEST_CASE("basic auth: unknown user and wrong password fail alike, both running bcrypt",
          "[basic][attack]") {
  smg::FixedClock clock(1000);
  auto auth = *BasicAuthenticator::build({admin_user("right")}, {}, clock);
  auto wrong = auth->authenticate(basic("admin:wrong"));
  auto unknown = auth->authenticate(basic("mallory:right"));
  CHECK(wrong.status().reason() == "basic_invalid");
  CHECK(unknown.status().reason() == "basic_invalid");
  CHECK(wrong.status().message() == unknown.status().message());
  CHECK(auth->bcrypt_runs() == 2);
}

TEST_CASE("basic auth: a verified credential is cached, so the second check runs no bcrypt",
          "[basic]") {
  smg::FixedClock clock(1000);
  auto auth = *BasicAuthenticator::build({admin_user("pw")}, {.cache_ttl = std::chrono::seconds(60)},
                                         clock);
  REQUIRE(auth->authenticate(basic("admin:pw")).ok());
  REQUIRE(auth->authenticate(basic("admin:pw")).ok());
  CHECK(auth->bcrypt_runs() == 1);
  SECTION("failures are not cached") {
    CHECK_FALSE(auth->authenticate(basic("admin:nope")).ok());
    CHECK_FALSE(auth->authenticate(basic("admin:nope")).ok());
    CHECK(auth->bcrypt_runs() == 3);
  }
  SECTION("entries expire") {
    clock.advance(61);
    REQUIRE(auth->authenticate(basic("admin:pw")).ok());
    CHECK(auth->bcrypt_runs() == 2);
  }
}

TEST_CASE("basic auth: a changed hash never hits an old cache entry", "[basic]") {
  smg::FixedClock clock(1000);
  auto first = *BasicAuthenticator::build({admin_user("old")}, {}, clock);
  REQUIRE(first->authenticate(basic("admin:old")).ok());
  auto rotated = *BasicAuthenticator::build({admin_user("new")}, {}, clock);
  CHECK_FALSE(rotated->authenticate(basic("admin:old")).ok());
  CHECK(rotated->authenticate(basic("admin:new")).ok());
}

TEST_CASE("basic auth: passwords over 72 bytes never match", "[basic][attack]") {
  std::string long_password(72, 'p');
  smg::FixedClock clock(1000);
  auto auth = *BasicAuthenticator::build({admin_user(long_password)}, {}, clock);
  CHECK(auth->authenticate(basic("admin:" + long_password)).ok());
  CHECK_FALSE(auth->authenticate(basic("admin:" + long_password + "x")).ok());
}

TEST_CASE("basic auth: concurrent bcrypt work is bounded", "[basic]") {
  smg::FixedClock clock(1000);
  BasicUser slow = {"admin", *smg::bcrypt::hash_password("pw", 10), "basic:admin", "d", {}};
  auto auth = *BasicAuthenticator::build(
      {slow}, {.max_concurrent_bcrypt = 1, .bcrypt_queue_timeout = std::chrono::milliseconds(1)},
      clock);
  std::atomic<int> busy{0}, ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = auth->authenticate(basic("admin:wrong" + std::to_string(i)));
      if (r.status().reason() == "basic_busy") ++busy;
      if (r.status().reason() == "basic_invalid") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(busy >= 1);
  CHECK(busy + ok == 4);
}

TEST_CASE("basic auth: configuration errors", "[basic]") {
  smg::FixedClock clock(1000);
  CHECK(BasicAuthenticator::build({}, {}, clock).status().reason() == "basic_no_users");
  BasicUser bad = admin_user("x");
  bad.password_hash = "plaintext-password";
  auto r = BasicAuthenticator::build({bad}, {}, clock);
  CHECK(r.status().reason() == "basic_bad_hash");
  CHECK(r.status().message().find("plaintext-password") == std::string::npos);
  CHECK(BasicAuthenticator::build({admin_user("a"), admin_user("b")}, {}, clock).status().reason() ==
        "basic_duplicate_user");
}
