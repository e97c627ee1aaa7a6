// common/redis against a real redis-server on loopback (tests/support/redis_server).
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>

#include "common/redis/redis_client.h"
#include "common/redis/redis_subscriber.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace std::chrono_literals;
using smg::redis::ClientOptions;
using smg::redis::RedisClient;
using smg::test::RedisServer;

namespace {

ClientOptions options_for(const RedisServer& server) {
  auto url = smg::redis::parse_redis_url(server.url());
  REQUIRE(url.ok());
  ClientOptions options;
  options.url = *url;
  options.connect_timeout = 300ms;
  options.command_timeout = 300ms;
  options.reconnect_cooldown = 50ms;
  return options;
}

}  // namespace

TEST_CASE("redis client: commands pipeline and binary-safe values", "[redis]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  std::string binary("a\0b\r\n*1\r\n", 10);
  REQUIRE(redis.command({"SET", "k", binary, "PX", "5000"}).ok());
  auto value = redis.command({"GET", "k"});
  REQUIRE(value.ok());
  CHECK(value->is_string());
  CHECK(value->text == binary);
  CHECK(redis.command({"GET", "absent"})->is_nil());
  auto replies = redis.pipeline({{"MULTI"}, {"INCR", "n"}, {"INCR", "n"}, {"EXEC"}});
  REQUIRE(replies.ok());
  REQUIRE(replies->back().is_array());
  CHECK(replies->back().elements[1].integer == 2);
  auto wrong = redis.command({"INCR", "k"});
  CHECK(wrong.status().reason() == "redis_error");
  CHECK(redis.available());
}

TEST_CASE("redis client: eval loads the script after NOSCRIPT", "[redis]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  smg::redis::Script add("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  CHECK(redis.eval(add, {"total"}, {"5"})->integer == 5);
  CHECK(redis.eval(add, {"total"}, {"2"})->integer == 7);
  REQUIRE(redis.command({"SCRIPT", "FLUSH"}).ok());
  CHECK(redis.eval(add, {"total"}, {"1"})->integer == 8);
}

TEST_CASE("redis client: password and database from the url", "[redis]") {
  RedisServer server("pw-for-test");
  ClientOptions options = options_for(server);
  options.url.db = 2;
  RedisClient redis(options);
  REQUIRE(redis.command({"SET", "in-db-2", "1"}).ok());
  options.url.db = 0;
  RedisClient db0(options);
  CHECK(db0.command({"GET", "in-db-2"})->is_nil());
  options.url.password = smg::crypto::Secret("wrong-password");
  RedisClient wrong(options);
  auto refused = wrong.command({"PING"});
  CHECK(refused.status().reason() == "redis_unavailable");
  CHECK(refused.status().message().find("wrong-password") == std::string::npos);
}

TEST_CASE("redis client: down fails fast then reconnects by itself", "[redis]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  REQUIRE(redis.command({"SET", "k", "v"}).ok());
  server.kill();
  auto started = std::chrono::steady_clock::now();
  auto down = redis.command({"GET", "k"});
  CHECK(down.status().reason() == "redis_unavailable");
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK_FALSE(redis.available());
  CHECK(redis.outages() == 1);
  (void)redis.command({"GET", "k"});
  CHECK(redis.outages() == 1);  // one outage, however many calls fail
  server.start();
  CHECK(smg::test::eventually([&] { return redis.command({"PING"}).ok(); }, 5s, 20ms));
  CHECK(redis.available());
  CHECK(redis.command({"GET", "k"})->is_nil());  // nothing persisted
}

TEST_CASE("redis client: a command that outlives the timeout fails", "[redis]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  // CLIENT PAUSE holds every client's commands for longer than the 300 ms command timeout.
  REQUIRE(redis.command({"CLIENT", "PAUSE", "1500"}).ok());
  auto started = std::chrono::steady_clock::now();
  auto slow = redis.command({"PING"});
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(slow.status().reason() == "redis_unavailable");
  CHECK(slow.status().message().find("timed out") != std::string::npos);
  CHECK(took >= 250ms);
  CHECK(took < 1000ms);
  CHECK(smg::test::eventually([&] { return redis.command({"PING"}).ok(); }, 5s, 20ms));
}

TEST_CASE("redis subscriber: messages in order and resubscribe after a restart", "[redis]") {
  RedisServer server;
  RedisClient redis(options_for(server));
  std::mutex mutex;
  std::vector<std::string> received;
  std::atomic<int> subscribed{0};
  smg::redis::RedisSubscriber subscriber(
      options_for(server), {"events"},
      {.on_message =
           [&](const std::string& channel, const std::string& message) {
             std::lock_guard<std::mutex> lock(mutex);
             received.push_back(channel + "=" + message);
           },
       .on_subscribed = [&] { subscribed.fetch_add(1); }},
      200ms);
  REQUIRE(smg::test::eventually([&] { return subscriber.connected(); }, 5s));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(redis.command({"PUBLISH", "events", std::to_string(i)}).ok());
  }
  auto count = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return received.size();
  };
  REQUIRE(smg::test::eventually([&] { return count() == 3; }, 5s));
  CHECK(received == std::vector<std::string>{"events=0", "events=1", "events=2"});
  CHECK(subscribed.load() == 1);
  server.kill();
  CHECK(smg::test::eventually([&] { return !subscriber.connected(); }, 3s));
  server.start();
  REQUIRE(smg::test::eventually([&] { return subscribed.load() == 2; }, 5s));
  REQUIRE(smg::test::eventually([&] {
    (void)redis.command({"PUBLISH", "events", "after"});
    return count() >= 4;
  }, 5s, 50ms));
  CHECK(received[3] == "events=after");
}
