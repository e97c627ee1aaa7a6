#include "server/discovery/watch_event.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace smg::discovery;

namespace {

std::vector<std::string> feed_all(WatchLineBuffer& buffer, const std::vector<std::string>& chunks) {
  std::vector<std::string> lines;
  for (const auto& chunk : chunks) {
    REQUIRE(buffer.feed(chunk, [&](std::string_view line) { lines.emplace_back(line); }).ok());
  }
  return lines;
}

const char* kAdded = R"({"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{
  "name":"w-1","namespace":"llm","uid":"u-1","resourceVersion":"101","labels":{"app":"w"}},
  "status":{"phase":"Running","podIP":"10.0.0.7",
  "conditions":[{"type":"Ready","status":"True"}]}}})";

}  // namespace

TEST_CASE("discovery: parse_watch_event reads the five event types", "[discovery][watch]") {
  SECTION("ADDED carries the pod and its resourceVersion") {
    auto event = parse_watch_event(kAdded);
    REQUIRE(event.ok());
    CHECK(event->type == WatchEventType::kAdded);
    CHECK(event->resource_version == "101");
    CHECK(event->pod.name == "w-1");
    CHECK(event->pod.uid == "u-1");
    CHECK(event->pod.ready);
    CHECK_FALSE(event->expired());
  }
  SECTION("MODIFIED and DELETED") {
    auto modified = parse_watch_event(
        R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"7"}}})");
    REQUIRE(modified.ok());
    CHECK(modified->type == WatchEventType::kModified);
    auto deleted = parse_watch_event(
        R"({"type":"DELETED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"8"}}})");
    REQUIRE(deleted.ok());
    CHECK(deleted->type == WatchEventType::kDeleted);
    CHECK(deleted->pod.key() == "n/a");
    CHECK(deleted->resource_version == "8");
  }
  SECTION("BOOKMARK carries only a resourceVersion") {
    auto event = parse_watch_event(R"({"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1",
      "metadata":{"resourceVersion":"12746","annotations":{"k8s.io/initial-events-end":"true"}}}})");
    REQUIRE(event.ok());
    CHECK(event->type == WatchEventType::kBookmark);
    CHECK(event->resource_version == "12746");
    CHECK(event->pod.name.empty());
  }
  SECTION("ERROR 410 means re-LIST") {
    auto event = parse_watch_event(R"J({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",
      "metadata":{},"status":"Failure","message":"too old resource version: 5 (90)",
      "reason":"Expired","code":410}})J");
    REQUIRE(event.ok());
    CHECK(event->type == WatchEventType::kError);
    CHECK(event->error_code == 410);
    CHECK(event->error_reason == "Expired");
    CHECK(event->error_message == "too old resource version: 5 (90)");
    CHECK(event->expired());
  }
  SECTION("ERROR other than 410 is not expiry") {
    auto event =
        parse_watch_event(R"({"type":"ERROR","object":{"code":500,"reason":"InternalError"}})");
    REQUIRE(event.ok());
    CHECK(event->error_code == 500);
    CHECK_FALSE(event->expired());
  }
}

TEST_CASE("discovery: parse_watch_event refuses malformed lines", "[discovery][watch][attack]") {
  for (const char* bad :
       {"", "null", "[]", "{", "{\"type\":\"ADDED\"}", "{\"type\":1,\"object\":{}}",
        "{\"type\":\"ADDED\",\"object\":[]}", "{\"type\":\"ADDED\",\"object\":{}}",
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":7}}",
        "{\"type\":\"SYNC\",\"object\":{\"metadata\":{}}}",
        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{}}}",
        "{\"type\":\"added\",\"object\":{\"metadata\":{}}}"}) {
    INFO(bad);
    auto event = parse_watch_event(bad);
    REQUIRE_FALSE(event.ok());
    CHECK(event.status().reason() == "kube_bad_event");
  }
}

TEST_CASE("discovery: ERROR with an absurd code is not taken as 410",
          "[discovery][watch][attack]") {
  auto event = parse_watch_event(R"({"type":"ERROR","object":{"code":4294967706}})");
  REQUIRE(event.ok());
  CHECK(event->error_code == 0);
  CHECK_FALSE(event->expired());
}

TEST_CASE("discovery: WatchLineBuffer reassembles lines across chunks", "[discovery][watch]") {
  WatchLineBuffer buffer;
  SECTION("one chunk, several lines, CRLF and blank lines") {
    auto lines = feed_all(buffer, {"{\"a\":1}\n\r\n{\"b\":2}\r\n\n   \n"});
    CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    CHECK(buffer.pending_bytes() == 0);
  }
  SECTION("a line split over three chunks") {
    auto lines = feed_all(buffer, {"{\"ty", "pe\":\"AD", "DED\"}\n{\"x\""});
    CHECK(lines == std::vector<std::string>{"{\"type\":\"ADDED\"}"});
    CHECK(buffer.pending_bytes() == 4);
    lines = feed_all(buffer, {":1}\n"});
    CHECK(lines == std::vector<std::string>{"{\"x\":1}"});
  }
  SECTION("every byte its own chunk gives the same lines") {
    std::string one_line = nlohmann::json::parse(kAdded).dump();
    std::string stream = one_line + "\n" + one_line + "\r\n";
    std::vector<std::string> bytes;
    for (char c : stream) bytes.emplace_back(1, c);
    auto lines = feed_all(buffer, bytes);
    REQUIRE(lines.size() == 2);
    CHECK(parse_watch_event(lines[1]).ok());
  }
  SECTION("CR split from its LF") {
    auto lines = feed_all(buffer, {"{}\r", "\n"});
    CHECK(lines == std::vector<std::string>{"{}"});
  }
}

TEST_CASE("discovery: WatchLineBuffer caps a line that never ends", "[discovery][watch][attack]") {
  WatchLineBuffer buffer(64);
  int lines = 0;
  auto count = [&](std::string_view) { ++lines; };
  REQUIRE(buffer.feed(std::string(40, 'a'), count).ok());
  auto fed = buffer.feed(std::string(40, 'a'), count);
  REQUIRE_FALSE(fed.ok());
  CHECK(fed.reason() == "kube_line_too_long");
  CHECK(buffer.pending_bytes() == 0);
  CHECK(lines == 0);
  SECTION("a long line within one chunk is caught too") {
    WatchLineBuffer small(8);
    CHECK(small.feed("0123456789\n", count).reason() == "kube_line_too_long");
  }
}

TEST_CASE("discovery: watch_event_type_name gives the API's names", "[discovery][watch]") {
  CHECK(std::string(watch_event_type_name(WatchEventType::kAdded)) == "ADDED");
  CHECK(std::string(watch_event_type_name(WatchEventType::kModified)) == "MODIFIED");
  CHECK(std::string(watch_event_type_name(WatchEventType::kDeleted)) == "DELETED");
  CHECK(std::string(watch_event_type_name(WatchEventType::kBookmark)) == "BOOKMARK");
  CHECK(std::string(watch_event_type_name(WatchEventType::kError)) == "ERROR");
}
