// The worker-bound request head and worker URL parsing (server/proxy/internal): what a caller
// sends never becomes a second request on the worker connection.
#include <catch2/catch.hpp>

#include "server/proxy/internal/request_lines.h"
#include "server/proxy/internal/upstream_target.h"

namespace {

using smg::proxy::UpstreamRequest;
using smg::proxy::internal::parse_upstream_url;
using smg::proxy::internal::upstream_request_head;

}  // namespace

TEST_CASE("request lines: worker URLs are split into origin and target", "[proxy][upstream]") {
  auto plain = parse_upstream_url("http://10.0.0.7:8000/v1/models?x=1");
  REQUIRE(plain.ok());
  CHECK(plain->origin() == "http://10.0.0.7:8000");
  CHECK(plain->target == "/v1/models?x=1");
  auto tls = parse_upstream_url("https://worker.example");
  REQUIRE(tls.ok());
  CHECK(tls->port == "443");
  CHECK(tls->target == "/");
  CHECK(tls->host_header == "worker.example");
  auto v6 = parse_upstream_url("http://[::1]:9000/generate");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->host_header == "[::1]:9000");
  for (const char* bad : {"ftp://h/x", "http://", "http://u:p@h/x", "http://h:99999/", "http://h:8a/",
                          "http://[::1/x", "http://h:0/"}) {
    INFO(bad);
    auto parsed = parse_upstream_url(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().reason() == "upstream_connect_failed");
  }
}

TEST_CASE("request lines: the head carries clean headers and its own framing", "[proxy][upstream]") {
  auto target = parse_upstream_url("http://10.0.0.7:8000/v1/chat/completions");
  REQUIRE(target.ok());
  UpstreamRequest request{"POST", "", {{"Authorization", "Bearer k"},
                                       {"X-Evil", "a\r\nGET /admin HTTP/1.1"},
                                       {"Bad Name", "v"},
                                       {"Transfer-Encoding", "chunked"},
                                       {"Connection", "close"},
                                       {"Content-Length", "999"}},
                          "{\"a\":1}"};
  std::string head = upstream_request_head(request, *target);
  CHECK(head ==
        "POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer k\r\n"
        "Host: 10.0.0.7:8000\r\nContent-Length: 7\r\n\r\n");
  UpstreamRequest get{"GET", "", {{"Host", "custom"}}, ""};
  CHECK(upstream_request_head(get, *target) == "GET /v1/chat/completions HTTP/1.1\r\nHost: custom\r\n\r\n");
}
