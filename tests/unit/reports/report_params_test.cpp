#include "server/reports/report_params.h"

#include <catch2/catch.hpp>

using smg::server::Request;
using smg::server::reports::filter_from_query;
using smg::server::reports::parse_time_ms;

namespace {

Request with_query(std::map<std::string, std::string> query) {
  Request request;
  request.method = "GET";
  request.path = "/admin/reports/api/requests";
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("report params: filters windows and paging", "[reports][params]") {
  const int64_t now = 1'700'000'000'000;
  auto filter = filter_from_query(
      with_query({{"model", "m1"}, {"status", "5xx"}, {"stream", "true"}, {"window", "1h"},
                  {"limit", "20"}, {"cursor", "42"}}),
      {"example/prod"}, now);
  REQUIRE(filter.ok());
  CHECK(filter->model == "m1");
  CHECK(filter->status_class == 5);
  CHECK(filter->stream == true);
  CHECK(filter->from_ms == now - 3600000);
  CHECK(filter->limit == 20);
  CHECK(filter->before_seq == 42);
  CHECK(filter->domains == std::vector<std::string>{"example/prod"});
  SECTION("default window is a day") {
    auto plain = filter_from_query(with_query({}), {"d"}, now);
    CHECK(plain->from_ms == now - 86400000);
    CHECK_FALSE(plain->to_ms);
  }
  SECTION("explicit range in RFC 3339 or milliseconds") {
    auto range = filter_from_query(
        with_query({{"from", "2023-11-14T22:13:20Z"}, {"to", "1700003600000"}}), {"d"}, now);
    REQUIRE(range.ok());
    CHECK(range->from_ms == 1700000000000);
    CHECK(range->to_ms == 1700003600000);
  }
}

TEST_CASE("report params: bad values name the parameter", "[reports][params]") {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"status", "6xx"}, {"status", "abc"}, {"stream", "yes"}, {"window", "soon"},
           {"limit", "0"}, {"limit", "501"}, {"cursor", "-3"}, {"from", "yesterday"}}) {
    auto filter = filter_from_query(with_query({{name, value}}), {"d"}, 0);
    INFO(name << "=" << value);
    REQUIRE_FALSE(filter.ok());
    CHECK(filter.status().reason() == name);
  }
  CHECK(parse_time_ms("2026-11-23T10:00:00.250Z").ok());
  CHECK(*parse_time_ms("1970-01-01T00:00:01.5Z") == 1500);
  CHECK_FALSE(parse_time_ms("2026-11-23T10:00:00+02:00").ok());
}
