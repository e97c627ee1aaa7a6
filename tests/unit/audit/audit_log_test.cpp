#include "common/audit/audit_log.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

#include "tests/support/peers.h"

using nlohmann::json;
using smg::audit::AuditEvent;
using smg::audit::AuditLog;
using smg::audit::AuditLogOptions;

namespace {

AuditEvent event_at(int64_t timestamp_ms, const std::string& path) {
  AuditEvent event;
  event.timestamp_ms = timestamp_ms;
  event.principal = "api_key:admin1";
  event.auth_method = "api_key";
  event.role = "admin";
  event.method = "GET";
  event.path = path;
  event.outcome = "success";
  event.status = 200;
  return event;
}

AuditLogOptions quiet(std::string file = "", std::size_t capacity = 10000) {
  AuditLogOptions options;
  options.to_stderr = false;
  options.file_path = std::move(file);
  options.ring_capacity = capacity;
  return options;
}

std::vector<json> lines_of(const std::string& path) {
  std::vector<json> lines;
  std::istringstream in(smg::test::read_file(path));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("audit log: the file is appended to, one line per event, mode 0600",
          "[audit][log]") {
  smg::test::TempDir dir;
  const std::string path = dir.file("audit.log");
  smg::test::write_file(path, "{\"earlier\":true}\n");
  chmod(path.c_str(), 0600);
  AuditLog log(quiet(path));
  REQUIRE(log.open().ok());
  log.record(event_at(1000, "/workers"));
  log.record(event_at(2000, "/get_loads"));
  auto lines = lines_of(path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["earlier"] == true);
  CHECK(lines[1]["path"] == "/workers");
  CHECK(lines[1]["id"] == 1);
  CHECK(lines[2]["path"] == "/get_loads");
  CHECK(lines[2]["id"] == 2);

  SECTION("a new file is created 0600") {
    const std::string fresh = dir.file("fresh.log");
    AuditLog other(quiet(fresh));
    REQUIRE(other.open().ok());
    struct stat info {};
    REQUIRE(stat(fresh.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
}

TEST_CASE("audit log: an unwritable file is a named error", "[audit][log]") {
  AuditLog log(quiet("/nonexistent-dir-smg/audit.log"));
  auto status = log.open();
  CHECK_FALSE(status.ok());
  CHECK(status.reason() == "audit_file_unwritable");
  CHECK(status.message().find("/nonexistent-dir-smg/audit.log") != std::string::npos);
}

TEST_CASE("audit log: reopen after rename follows logrotate", "[audit][log]") {
  smg::test::TempDir dir;
  const std::string path = dir.file("audit.log");
  const std::string rotated = dir.file("audit.log.1");
  AuditLog log(quiet(path));
  REQUIRE(log.open().ok());
  log.record(event_at(1000, "/before"));
  REQUIRE(std::rename(path.c_str(), rotated.c_str()) == 0);
  log.record(event_at(2000, "/between"));  // still the old descriptor
  REQUIRE(log.reopen().ok());
  log.record(event_at(3000, "/after"));
  auto old_lines = lines_of(rotated);
  REQUIRE(old_lines.size() == 2);
  CHECK(old_lines[0]["path"] == "/before");
  CHECK(old_lines[1]["path"] == "/between");
  auto new_lines = lines_of(path);
  REQUIRE(new_lines.size() == 1);
  CHECK(new_lines[0]["path"] == "/after");
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("audit log: the ring answers since_sequence and since_time", "[audit][log]") {
  AuditLog log(quiet("", 3));
  CHECK(log.last_sequence() == 0);
  CHECK(log.since_sequence(0).empty());
  for (int i = 1; i <= 5; ++i) log.record(event_at(i * 1000, "/e" + std::to_string(i)));
  CHECK(log.last_sequence() == 5);
  auto all = log.since_sequence(0);  // capacity 3: the oldest two are gone
  REQUIRE(all.size() == 3);
  CHECK(all[0].sequence == 3);
  CHECK(all[0].path == "/e3");
  CHECK(all[2].sequence == 5);
  auto after = log.since_sequence(4);
  REQUIRE(after.size() == 1);
  CHECK(after[0].path == "/e5");
  CHECK(log.since_sequence(5).empty());
  CHECK(log.since_sequence(0, 2).size() == 2);
  CHECK(log.since_sequence(0, 2)[1].sequence == 4);
  auto recent = log.since_time(4000);
  REQUIRE(recent.size() == 2);
  CHECK(recent[0].path == "/e4");
  CHECK(log.since_time(5001).empty());
  CHECK(log.since_time(0, 1).size() == 1);
}

TEST_CASE("audit log: wait_for_newer wakes on record and on shutdown", "[audit][log]") {
  AuditLog log(quiet());
  log.record(event_at(1, "/first"));
  CHECK(log.wait_for_newer(0, std::chrono::milliseconds(0)));  // already there
  CHECK_FALSE(log.wait_for_newer(1, std::chrono::milliseconds(20)));

  SECTION("a record wakes a waiter") {
    auto waiter = std::async(std::launch::async,
                             [&] { return log.wait_for_newer(1, std::chrono::seconds(30)); });
    log.record(event_at(2, "/second"));
    REQUIRE(waiter.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(waiter.get());
  }
  SECTION("shutdown wakes a waiter and later waits return false at once") {
    auto waiter = std::async(std::launch::async,
                             [&] { return log.wait_for_newer(1, std::chrono::seconds(30)); });
    CHECK_FALSE(log.is_shut_down());
    log.shutdown();
    REQUIRE(waiter.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK_FALSE(waiter.get());
    CHECK(log.is_shut_down());
    CHECK_FALSE(log.wait_for_newer(0, std::chrono::seconds(30)));
  }
}
