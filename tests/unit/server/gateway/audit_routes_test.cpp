#include "server/gateway/audit_routes.h"

#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "tests/support/recording_sink.h"

using nlohmann::json;
using smg::audit::AuditEvent;
using smg::audit::AuditLog;
using smg::server::handle_audit_request;
using smg::server::parse_duration_ms;
using smg::server::Request;

namespace {

AuditLog quiet_log() {
  return AuditLog(smg::audit::AuditLogOptions{.to_stderr = false, .file_path = "", .ring_capacity = 100});
}

void record(AuditLog& log, int64_t timestamp_ms, const std::string& path) {
  AuditEvent event;
  event.timestamp_ms = timestamp_ms;
  event.method = "GET";
  event.path = path;
  event.outcome = "success";
  event.status = 200;
  log.record(std::move(event));
}

Request audit_request(std::map<std::string, std::string> query = {}) {
  Request request;
  request.method = "GET";
  request.path = "/admin/audit";
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("parse_duration_ms: bare seconds, s, m, h and d", "[audit][routes]") {
  CHECK(*parse_duration_ms("30s") == 30000);
  CHECK(*parse_duration_ms("0s") == 0);
  CHECK(*parse_duration_ms("15m") == 15 * 60 * 1000);
  CHECK(*parse_duration_ms("2h") == 2 * 3600 * 1000);
  CHECK(*parse_duration_ms("7d") == int64_t{7} * 86400 * 1000);
  CHECK(*parse_duration_ms("99999999999d") == int64_t{99999999999} * 86400 * 1000);
  CHECK(*parse_duration_ms("90") == 90000);  // a bare number is seconds
  CHECK(*parse_duration_ms("0") == 0);
  for (const char* bad : {"", "s", "30x", "30S", "-5s", "+5s", "1.5h", " 5s", "5s ",
                          "5 s", "1h30m", "123456789012s", "ms", "5ms"}) {
    INFO(bad);
    auto parsed = parse_duration_ms(bad);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.status().reason() == "bad_duration");
  }
}

TEST_CASE("audit route: JSON listing with since", "[audit][routes]") {
  AuditLog log = quiet_log();
  int64_t now = smg::unix_now_ms();
  record(log, now - 3 * 3600 * 1000, "/old");
  record(log, now - 1000, "/recent");
  record(log, now, "/newest");

  auto events_of = [&](std::map<std::string, std::string> query) {
    auto response = handle_audit_request(audit_request(std::move(query)), log);
    REQUIRE(response.status == 200);
    CHECK(response.header("Cache-Control") == "no-store");
    return json::parse(response.body)["events"];
  };
  CHECK(events_of({}).size() == 3);
  json recent = events_of({{"since", "1h"}});
  REQUIRE(recent.size() == 2);
  CHECK(recent[0]["path"] == "/recent");
  json after = events_of({{"since", "seq:2"}});
  REQUIRE(after.size() == 1);
  CHECK(after[0]["path"] == "/newest");
  CHECK(after[0]["id"] == 3);
  for (const char* bad : {"soon", "seq:x", "seq:", "seq:-1"}) {
    INFO(bad);
    auto response = handle_audit_request(audit_request({{"since", bad}}), log);
    CHECK(response.status == 400);
    CHECK(json::parse(response.body)["error"]["message"].is_string());
  }
}

TEST_CASE("audit route: follow streams the backlog, then new events, until shutdown",
          "[audit][routes]") {
  AuditLog log = quiet_log();
  record(log, 1, "/one");
  record(log, 2, "/two");
  Request request = audit_request({{"follow", "1"}});
  request.headers.emplace("Last-Event-ID", "1");
  auto response = handle_audit_request(request, log);
  REQUIRE(response.stream);
  CHECK(response.content_type == "text/event-stream");
  smg::test::RecordingSink sink;
  sink.on_write = [&](const std::string& body) {
    if (body.find("id: 2\n") != std::string::npos && log.last_sequence() == 2) {
      record(log, 3, "/three");  // arrives after the backlog was taken
    }
    if (body.find("id: 3\n") != std::string::npos) log.shutdown();
  };
  CHECK_FALSE(response.stream(sink));
  CHECK(sink.body.find("id: 1\n") == std::string::npos);
  auto two = sink.body.find("id: 2\ndata: {");
  auto three = sink.body.find("id: 3\ndata: {");
  REQUIRE(two != std::string::npos);
  REQUIRE(three != std::string::npos);
  CHECK(two < three);
  CHECK(sink.body.find("\"/three\"") != std::string::npos);
}
