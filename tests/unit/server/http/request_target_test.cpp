#include "server/http/request_target.h"

#include <catch2/catch.hpp>

using smg::server::percent_decode;
using smg::server::split_target;

TEST_CASE("request target: the path is percent-decoded with '+' kept", "[http][target]") {
  CHECK(split_target("/workers/a%2Fb+c").path == "/workers/a/b+c");
  CHECK(split_target("/caf%C3%A9").path == "/caf\xc3\xa9");
  CHECK(split_target("/").path == "/");
  CHECK(split_target("").path.empty());
}

TEST_CASE("request target: malformed escapes stay as written", "[http][target]") {
  CHECK(percent_decode("100%", false) == "100%");
  CHECK(percent_decode("%zz%4", false) == "%zz%4");
  CHECK(percent_decode("%4a%4A", false) == "JJ");
}

TEST_CASE("request target: a decoded CR or LF or NUL stays for the gateway to refuse",
          "[http][target][attack]") {
  CHECK(split_target("/workers%0a").path == "/workers\n");
  CHECK(split_target("/a%0d%0ab").path == "/a\r\nb");
  CHECK(split_target("/a%00b").path == std::string("/a\0b", 4));
}

TEST_CASE("request target: the query is form-decoded and the last value wins", "[http][target]") {
  auto target = split_target("/v?since=15m&x=1+2&name=a%26b&x=3&flag&=dropped&e=#frag");
  CHECK(target.path == "/v");
  CHECK(target.query == std::map<std::string, std::string>{
                            {"since", "15m"}, {"x", "3"}, {"name", "a&b"}, {"flag", ""}, {"e", ""}});
  CHECK(split_target("/v?a=b=c").query.at("a") == "b=c");
  CHECK(split_target("/v?").query.empty());
}

TEST_CASE("request target: the query string is kept as sent for forwarding", "[http]") {
  CHECK(split_target("/v1/chat/completions?api-version=2024-06-01&x=a%20b+c").query_string ==
        "api-version=2024-06-01&x=a%20b+c");
  CHECK(split_target("/v1/models#frag").query_string.empty());
  CHECK(split_target("/v1/models?a=1#frag").query_string == "a=1");
  CHECK(split_target("/v1/models?").query_string.empty());
}
