// What crosses to a worker besides the body (attack probe, findings 10 and 12): hop-by-hop
// headers, those Connection names and the library's pseudo-headers stay behind; the gateway
// sets X-Forwarded-For/-Proto and adds its Via token, which it recognises when a request comes
// back to it.
#include "server/proxy/forwarding_headers.h"

#include <catch2/catch.hpp>
#include <string>

#include "server/http/header_syntax.h"

namespace {

smg::server::Request request_with(smg::server::HeaderMap headers) {
  smg::server::Request request;
  request.method = "POST";
  request.path = "/v1/chat/completions";
  request.headers = std::move(headers);
  request.remote_addr = "10.1.2.3";
  return request;
}

}  // namespace

TEST_CASE("forwarding headers: hop-by-hop and Connection-named headers stay on this hop",
          "[proxy][forwarding]") {
  auto request = request_with({{"Connection", "keep-alive, X-Secret-Hop ,x-other"},
                               {"Connection", "X-Third"},
                               {"X-Secret-Hop", "1"},
                               {"X-Other", "2"},
                               {"X-Third", "3"},
                               {"HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"},
                               {"X-Kept", "yes"}});
  for (const char* name :
       {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Proxy-Connection", "HTTP2-Settings", "x-secret-hop", "X-OTHER", "X-Third", "REMOTE_ADDR",
        "remote_port", "LOCAL_ADDR", "LOCAL_PORT", "X-Forwarded-For", "X-Forwarded-Proto",
        "Forwarded", "Via"}) {
    INFO(name);
    CHECK(smg::proxy::is_hop_by_hop(name, request));
  }
  for (const char* name : {"X-Kept", "Content-Type", "User-Agent", "X-Secret"}) {
    INFO(name);
    CHECK_FALSE(smg::proxy::is_hop_by_hop(name, request));
  }
}

TEST_CASE("forwarding headers: the gateway's own X-Forwarded-* and Via", "[proxy][forwarding]") {
  auto request = request_with({{"Via", "1.1 edge-proxy"}, {"X-Forwarded-For", "6.6.6.6"}});
  smg::proxy::UpstreamHeaders headers;
  smg::proxy::add_forwarding_headers(request, headers);
  CHECK(smg::proxy::find_header(headers, "X-Forwarded-For") == "10.1.2.3");
  CHECK(smg::proxy::find_header(headers, "X-Forwarded-Proto") == "http");
  const std::string& token = smg::proxy::via_token();
  CHECK(token.size() == 4 + 16);
  CHECK(token.rfind("smg-", 0) == 0);
  CHECK(smg::proxy::find_header(headers, "Via") == "1.1 edge-proxy, 1.1 " + token);
  request.tls = true;
  smg::proxy::UpstreamHeaders tls_headers;
  smg::proxy::add_forwarding_headers(request, tls_headers);
  CHECK(smg::proxy::find_header(tls_headers, "X-Forwarded-Proto") == "https");
}

TEST_CASE("forwarding headers: a request carrying our Via token came back to us",
          "[proxy][forwarding]") {
  const std::string& token = smg::proxy::via_token();
  CHECK(smg::proxy::arrived_through_us(request_with({{"Via", "1.1 " + token}})));
  CHECK(smg::proxy::arrived_through_us(request_with({{"via", "1.0 a, 1.1 " + token + " (smg)"}})));
  CHECK(smg::proxy::arrived_through_us(
      request_with({{"Via", "1.1 other"}, {"Via", "HTTP/1.1 " + token}})));
  CHECK_FALSE(smg::proxy::arrived_through_us(request_with({})));
  CHECK_FALSE(smg::proxy::arrived_through_us(request_with({{"Via", "1.1 smg-0000000000000000"}})));
  CHECK_FALSE(smg::proxy::arrived_through_us(request_with({{"Via", token}})));  // no protocol
  CHECK_FALSE(smg::proxy::arrived_through_us(request_with({{"Via", "1.1 x" + token}})));
}

TEST_CASE("forwarding headers: the library's pseudo-headers are known", "[proxy][forwarding]") {
  CHECK(smg::server::is_library_pseudo_header("REMOTE_ADDR"));
  CHECK(smg::server::is_library_pseudo_header("remote_addr"));
  CHECK(smg::server::is_library_pseudo_header("LOCAL_PORT"));
  CHECK_FALSE(smg::server::is_library_pseudo_header("REMOTE_ADDRESS"));
  CHECK_FALSE(smg::server::is_library_pseudo_header("X-Real-IP"));
}
