#include "cli/remote/sse_decoder.h"

#include <catch2/catch.hpp>

using smg::cli::SseDecoder;

TEST_CASE("sse: events split across arbitrary chunks", "[sse]") {
  const std::string stream =
      ": keepalive\n\nid: 7\ndata: {\"a\":1}\n\nid: 8\r\ndata: line1\r\ndata: line2\r\n\r\n";
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    SseDecoder decoder;
    auto events = decoder.feed(stream.substr(0, split));
    auto rest = decoder.feed(stream.substr(split));
    events.insert(events.end(), rest.begin(), rest.end());
    REQUIRE(events.size() == 2);
    CHECK(events[0].id == "7");
    CHECK(events[0].data == "{\"a\":1}");
    CHECK(events[0].event == "message");
    CHECK(events[1].id == "8");
    CHECK(events[1].data == "line1\nline2");
    CHECK(decoder.last_event_id() == "8");
  }
}

TEST_CASE("sse: comments and blank lines without data dispatch nothing", "[sse]") {
  SseDecoder decoder;
  CHECK(decoder.feed(": keepalive\n\n\n: x\n\n").empty());
  CHECK(decoder.last_event_id().empty());
}

TEST_CASE("sse: an event type and a field without a colon", "[sse]") {
  SseDecoder decoder;
  auto events = decoder.feed("event: audit\ndata\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "audit");
  CHECK(events[0].data.empty());
}

TEST_CASE("sse: an endless line is dropped not buffered", "[sse][attack]") {
  SseDecoder decoder;
  std::string junk(1 << 19, 'x');
  for (int i = 0; i < 6; ++i) CHECK(decoder.feed(junk).empty());
  auto events = decoder.feed("tail-of-junk\nid: 3\ndata: ok\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "ok");
}
