#include "server/http/response_head.h"

#include <catch2/catch.hpp>

using smg::server::Response;
using smg::server::response_head;

TEST_CASE("response head: status line and headers and type and length", "[http][response]") {
  Response response = smg::server::text_response(404, "nope");
  response.add_header("Set-Cookie", "a=1");
  response.add_header("Set-Cookie", "b=2");
  CHECK(response_head(response, {}) ==
        "HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
        "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\n");
}

TEST_CASE("response head: framing headers are the engine's", "[http][response]") {
  Response response = smg::server::text_response(200, "x");
  response.set_header("content-length", "99");
  response.set_header("Transfer-Encoding", "gzip");
  response.set_header("Connection", "keep-alive");
  response.set_header("Content-Type", "text/html");  // a header naming the type wins
  CHECK(response_head(response, {.chunked = true, .close = true}) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n");
}

TEST_CASE("response head: 204 and 304 carry no length and unknown codes get a reason",
          "[http][response]") {
  Response empty;
  empty.status = 204;
  empty.content_type.clear();
  CHECK(response_head(empty, {}) == "HTTP/1.1 204 No Content\r\n\r\n");
  Response odd = smg::server::text_response(590, "");
  CHECK(response_head(odd, {}).rfind("HTTP/1.1 590 Unknown\r\n", 0) == 0);
  CHECK(smg::server::status_has_body(200));
  CHECK_FALSE(smg::server::status_has_body(304));
  CHECK_FALSE(smg::server::status_has_body(101));
}

TEST_CASE("response head: chunk prefixes are hexadecimal", "[http][response]") {
  CHECK(smg::server::chunk_prefix(0x44) == "44\r\n");
  CHECK(smg::server::chunk_prefix(1) == "1\r\n");
  CHECK(smg::server::chunk_prefix(65536) == "10000\r\n");
}
