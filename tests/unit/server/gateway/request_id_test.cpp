#include "server/gateway/request_id.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <set>

using smg::server::generate_request_id;
using smg::server::Request;
using smg::server::request_id_for;

namespace {

Request with_headers(std::initializer_list<std::pair<std::string, std::string>> headers) {
  Request request;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  return request;
}

bool is_generated(const std::string& id) {
  static const std::regex kFormat("req-[0-9a-f]{32}");
  return std::regex_match(id, kFormat);
}

}  // namespace

TEST_CASE("request id: each accepted header, in order", "[gateway][request_id]") {
  CHECK(request_id_for(with_headers({{"x-request-id", "a1"}})) == "a1");
  CHECK(request_id_for(with_headers({{"X-Correlation-ID", "c1"}})) == "c1");
  CHECK(request_id_for(with_headers({{"x-trace-id", "t1"}})) == "t1");
  CHECK(request_id_for(with_headers({{"Request-Id", "r1"}})) == "r1");
  CHECK(request_id_for(with_headers({{"request-id", "r1"},
                                     {"x-trace-id", "t1"},
                                     {"x-correlation-id", "c1"},
                                     {"x-request-id", "a1"}})) == "a1");
  CHECK(request_id_for(with_headers({{"request-id", "r1"}, {"x-trace-id", "t1"},
                                     {"x-correlation-id", "c1"}})) == "c1");
  CHECK(request_id_for(with_headers({{"request-id", "r1"}, {"x-trace-id", "t1"}})) == "t1");
}

TEST_CASE("request id: unsafe values are skipped", "[gateway][request_id][attack]") {
  const std::string max_length(128, 'x');
  CHECK(request_id_for(with_headers({{"x-request-id", max_length}})) == max_length);
  for (const std::string& unsafe :
       {std::string(), std::string(129, 'x'), std::string("a b"), std::string("a\"b"),
        std::string("a\\b"), std::string("a\nb"), std::string("a\r\nX-Evil: 1"),
        std::string("a\tb"), std::string("caf\xc3\xa9"), std::string("a\x7f", 2),
        std::string("a\0b", 3)}) {
    INFO(unsafe);
    CHECK(is_generated(request_id_for(with_headers({{"x-request-id", unsafe}}))));
    // The next header is used when the first is unsafe.
    CHECK(request_id_for(with_headers({{"x-request-id", unsafe}, {"x-trace-id", "t-2"}})) ==
          "t-2");
  }
}

TEST_CASE("request id: generated ids have the documented format and differ",
          "[gateway][request_id]") {
  CHECK(is_generated(request_id_for(Request{})));
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = generate_request_id();
    CHECK(is_generated(id));
    ids.insert(id);
  }
  CHECK(ids.size() == 100);
}

TEST_CASE("request id: generated ids sort by the time they were made", "[gateway][request_id]") {
  // One millisecond apart is enough, whatever the random part.
  const int64_t t = 1'764'000'000'000;
  for (int i = 0; i < 50; ++i) {
    std::string earlier = generate_request_id(t + i);
    std::string later = generate_request_id(t + i + 1);
    CHECK(earlier < later);
    CHECK(std::stoll(earlier.substr(4, 12), nullptr, 16) == t + i);
  }
  // Without a time given, the leading 12 hex digits are the current Unix time in milliseconds.
  std::string now_id = generate_request_id();
  auto ms = std::stoll(now_id.substr(4, 12), nullptr, 16);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(ms <= now);
  CHECK(ms > now - 10000);
}
