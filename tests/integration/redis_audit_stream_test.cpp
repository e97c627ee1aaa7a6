// The cluster audit stream (RedisAuditStream) and GET /admin/audit over it, against a real
// redis-server: two replicas' events in one order with their replica names, resuming after a
// stream id, a hostile Last-Event-ID refused before it reaches Redis, and Redis down (503, the
// events wait in the queue and are written when it returns).
#include <catch2/catch.hpp>

#include "common/audit/redis_audit_stream.h"
#include "server/gateway/audit_routes.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace std::chrono_literals;
using smg::audit::AuditEvent;
using smg::audit::RedisAuditStream;
using smg::server::Request;

namespace {

smg::redis::ClientOptions options_for(const smg::test::RedisServer& server) {
  smg::redis::ClientOptions options;
  options.url = *smg::redis::parse_redis_url(server.url());
  options.connect_timeout = 300ms;
  options.command_timeout = 300ms;
  options.reconnect_cooldown = 50ms;
  return options;
}

AuditEvent event(const std::string& path) {
  AuditEvent e;
  e.timestamp_ms = 1'700'000'000'000;
  e.method = "POST";
  e.path = path;
  e.outcome = "success";
  e.status = 202;
  return e;
}

Request audit_request(std::map<std::string, std::string> query = {}) {
  Request request;
  request.method = "GET";
  request.path = "/admin/audit";
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("redis audit stream: every replica's events in one order and resumable",
          "[redis][audit]") {
  smg::test::RedisServer server;
  RedisAuditStream a(options_for(server), "t:audit", 1000, "gw-a:1");
  RedisAuditStream b(options_for(server), "t:audit", 1000, "gw-b:2");
  smg::audit::AuditLog log({.to_stderr = false, .file_path = "", .ring_capacity = 10});
  a.publish(event("/workers/1"));
  REQUIRE(a.flush(5s));
  b.publish(event("/workers/2"));
  REQUIRE(b.flush(5s));
  a.publish(event("/workers/3"));
  REQUIRE(a.flush(5s));

  auto all = smg::server::handle_cluster_audit_request(audit_request(), a, log);
  REQUIRE(all.status == 200);
  auto events = nlohmann::json::parse(all.body)["events"];
  REQUIRE(events.size() == 3);
  CHECK(events[0]["path"] == "/workers/1");
  CHECK(events[0]["replica"] == "gw-a:1");
  CHECK(events[1]["path"] == "/workers/2");
  CHECK(events[1]["replica"] == "gw-b:2");

  auto first = a.after("0", 1);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  Request resume = audit_request();
  resume.headers.emplace("Last-Event-ID", first->front().id);
  auto rest = smg::server::handle_cluster_audit_request(resume, b, log);
  REQUIRE(rest.status == 200);
  auto after = nlohmann::json::parse(rest.body)["events"];
  REQUIRE(after.size() == 2);
  CHECK(after[0]["path"] == "/workers/2");

  SECTION("a hostile Last-Event-ID or since never reaches Redis") {
    for (const char* id : {"+", "-", "$", "1-2-3", "abc", "1 2", "(1", "99999999999999999999999"}) {
      Request bad = audit_request();
      bad.headers.emplace("Last-Event-ID", id);
      INFO(id);
      CHECK(smg::server::handle_cluster_audit_request(bad, a, log).status == 400);
      CHECK_FALSE(smg::audit::valid_stream_id(id));
    }
    CHECK(smg::server::handle_cluster_audit_request(audit_request({{"since", "seq:$"}}), a, log)
              .status == 400);
    CHECK(smg::audit::valid_stream_id("1700000000000-0"));
  }
  SECTION("Redis down: 503 and the events wait for it") {
    server.kill();
    auto down = smg::server::handle_cluster_audit_request(audit_request(), a, log);
    CHECK(down.status == 503);
    CHECK(down.body.find("audit_stream_unavailable") != std::string::npos);
    b.publish(event("/workers/queued"));
    CHECK_FALSE(b.flush(300ms));
    server.start();
    REQUIRE(b.flush(5s));
    auto back = b.after("0", 100);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 1);  // a restarted Redis without persistence: only the queued one
    CHECK(back->front().event["path"] == "/workers/queued");
    CHECK(b.dropped() == 0);
  }
}

namespace {

// Collects what a follow writes; the client "leaves" once an event with `wanted` has arrived.
class CollectingSink final : public smg::server::StreamSink {
 public:
  explicit CollectingSink(std::string wanted) : wanted_(std::move(wanted)) {}
  bool write(std::string_view bytes) override {
    text_.append(bytes);
    return true;
  }
  bool client_connected() const override {
    return text_.find(wanted_) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline_;
  }
  const std::string& text() const { return text_; }

 private:
  std::string wanted_;
  std::string text_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::now() + 10s;
};

}  // namespace

TEST_CASE("redis audit stream: a follow with an empty backlog gets the next event",
          "[redis][audit]") {
  smg::test::RedisServer server;
  RedisAuditStream a(options_for(server), "t:audit", 1000, "gw-a:1");
  smg::audit::AuditLog log({.to_stderr = false, .file_path = "", .ring_capacity = 10});
  // From a time (the range's floor is the millisecond before it) and from nothing at all.
  for (auto query : std::vector<std::map<std::string, std::string>>{
           {{"since", "1h"}, {"follow", "1"}}, {{"follow", "1"}}}) {
    std::string path = "/workers/after-" + std::to_string(query.size());
    auto response = smg::server::handle_cluster_audit_request(audit_request(query), a, log);
    REQUIRE(response.status == 200);
    REQUIRE(response.stream);
    a.publish(event(path));  // after the backlog was read: the follow must still deliver it
    REQUIRE(a.flush(5s));
    CollectingSink sink(path);
    response.stream(sink);
    CHECK(sink.text().find(path) != std::string::npos);
  }
}
