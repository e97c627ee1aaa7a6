#include <catch2/catch.hpp>

#include "common/redis/redis_script.h"
#include "common/redis/redis_url.h"

using smg::redis::parse_redis_url;

TEST_CASE("redis url: host port db and defaults", "[redis]") {
  auto full = parse_redis_url("redis://cache.internal:6380/3");
  REQUIRE(full.ok());
  CHECK(full->host == "cache.internal");
  CHECK(full->port == 6380);
  CHECK(full->db == 3);
  CHECK(full->password.empty());
  auto bare = parse_redis_url("redis://127.0.0.1");
  REQUIRE(bare.ok());
  CHECK(bare->port == 6379);
  CHECK(bare->db == 0);
  CHECK(parse_redis_url("redis://h:1/")->db == 0);
  auto v6 = parse_redis_url("redis://[::1]:7000/1");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  CHECK(v6->describe() == "redis://[::1]:7000/1");
}

TEST_CASE("redis url: password and user with percent-escapes", "[redis]") {
  auto password = parse_redis_url("redis://:p%40ss%3Aword@h:1/0");
  REQUIRE(password.ok());
  CHECK(password->user.empty());
  CHECK(password->password.reveal() == "p@ss:word");
  auto user = parse_redis_url("redis://gateway:secret@h:1/0");
  REQUIRE(user.ok());
  CHECK(user->user == "gateway");
  CHECK(user->password.reveal() == "secret");
  // describe() is for logs: it never shows the credentials.
  CHECK(user->describe() == "redis://h:1/0");
}

TEST_CASE("redis url: bad input is refused with a reason and no password echo", "[redis][attack]") {
  for (const char* text :
       {"", "http://h:1", "rediss://h:1", "redis://", "redis://:6379", "redis://h:0",
        "redis://h:65536", "redis://h:-1", "redis://h:12ab", "redis://h:", "redis://h:1/x",
        "redis://h:1/-2", "redis://h:1/99999999999", "redis://h:1/0?timeout=1", "redis://h#x",
        "redis://h o:1", "redis://h\r\n:1", "redis://[::1:1", "redis://[::1]x", "redis://[zz]:1",
        "redis://hunter2@h:1", "redis://:bad%zzescape@h:1", "redis://:trailing%4@h:1",
        "redis://h/1/2", "redis://h;evil:1"}) {
    auto url = parse_redis_url(text);
    INFO(text);
    REQUIRE_FALSE(url.ok());
    CHECK(url.status().reason() == "redis_url_invalid");
    CHECK(url.status().message().find("hunter2") == std::string::npos);
    CHECK(url.status().message().find("zzescape") == std::string::npos);
  }
  CHECK_FALSE(parse_redis_url("redis://h:1/" + std::string(4096, '1')).ok());
}

TEST_CASE("redis script: sha1 names the source as EVALSHA expects", "[redis]") {
  smg::redis::Script script("return 1");
  // sha1("return 1"), as redis-cli SCRIPT LOAD "return 1" prints.
  CHECK(script.sha1() == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}
