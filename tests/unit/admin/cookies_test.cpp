#include <catch2/catch.hpp>

#include "server/admin/cookies.h"

using namespace smg::server::admin;
using smg::server::Request;

TEST_CASE("cookies: parses what browsers send", "[cookies]") {
  auto cookies = parse_cookie_header("a=1; b=two;c=\"quoted\"; empty=");
  REQUIRE(cookies.size() == 4);
  CHECK(cookies[1].name == "b");
  CHECK(cookies[1].value == "two");
  CHECK(cookies[2].value == "quoted");
  CHECK(cookies[3].value.empty());
}

TEST_CASE("cookies: hostile Cookie headers", "[cookies][attack]") {
  SECTION("garbage pairs are skipped, good ones kept") {
    auto cookies = parse_cookie_header(";;; =x; noequals; bad name=1; ok=1; ctl=\x01; sp=a b");
    REQUIRE(cookies.size() == 1);
    CHECK(cookies[0].name == "ok");
  }
  SECTION("values with separators or backslashes are skipped") {
    CHECK(parse_cookie_header("a=x,y").empty());
    CHECK(parse_cookie_header("a=x\\y").empty());
    CHECK(parse_cookie_header("a=\"x").empty());
  }
  SECTION("at most kMaxCookies pairs") {
    std::string header;
    for (int i = 0; i < 1000; ++i) header += "c" + std::to_string(i) + "=v; ";
    CHECK(parse_cookie_header(header).size() == kMaxCookies);
  }
  SECTION("a tossed duplicate makes the cookie unusable") {
    Request request;
    request.headers.emplace("Cookie", "sid=aaa; other=1");
    CHECK(find_unique_cookie(request, "sid") == std::optional<std::string>("aaa"));
    request.headers.emplace("Cookie", "sid=planted");
    CHECK_FALSE(find_unique_cookie(request, "sid"));
    CHECK_FALSE(find_unique_cookie(request, "missing"));
  }
}

TEST_CASE("cookies: Set-Cookie attributes", "[cookies]") {
  CookieAttributes attributes{.same_site = "Strict", .max_age = 28800};
  CHECK(build_set_cookie("sid", "abc", attributes) ==
        "sid=abc; Path=/admin; Max-Age=28800; HttpOnly; Secure; SameSite=Strict");
  attributes.secure = false;
  attributes.same_site = "Lax";
  CHECK(build_set_cookie("sid", "abc", attributes) ==
        "sid=abc; Path=/admin; Max-Age=28800; HttpOnly; SameSite=Lax");
  attributes.same_site = "None";
  CHECK(build_set_cookie("sid", "abc", attributes).find("; Secure") != std::string::npos);
  CHECK(expire_cookie("sid", attributes) ==
        "sid=; Path=/admin; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; "
        "SameSite=None");
  CHECK(same_site_attribute("lax") == "Lax");
  CHECK(same_site_attribute("none") == "None");
  CHECK(same_site_attribute("strict") == "Strict");
  CHECK(same_site_attribute("") == "Strict");
}

TEST_CASE("cookies: names", "[cookies]") {
  CHECK(valid_cookie_name("smg_admin_session"));
  CHECK_FALSE(valid_cookie_name(""));
  CHECK_FALSE(valid_cookie_name("a;b"));
  CHECK_FALSE(valid_cookie_name("a b"));
}
