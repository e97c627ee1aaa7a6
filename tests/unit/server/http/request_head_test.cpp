// The engine's own decisions on a request head: each case parsed by Beast as the listener does,
// then checked (check_head) or, when Beast refuses it, answered (refusal_for_parse_error).
#include "server/http/request_head.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>
#include <string>

namespace http = boost::beast::http;
using smg::server::check_head;
using smg::server::EngineRefusal;

namespace {

struct Parsed {
  boost::beast::error_code error;  // Beast's own refusal, if any
  smg::server::RequestHead head;
};

Parsed parse(const std::string& bytes) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(smg::server::kMaxHeadBytes);
  parser.body_limit(boost::none);
  Parsed parsed;
  parser.put(boost::asio::buffer(bytes), parsed.error);
  if (parser.is_header_done()) parsed.head = parser.get().base();
  return parsed;
}

// The engine's answer to `bytes`: Beast's refusal mapped, or check_head's; 0 when accepted.
int status_of(const std::string& bytes, std::string* code = nullptr) {
  Parsed parsed = parse(bytes);
  std::optional<EngineRefusal> refusal =
      parsed.error && parsed.error != http::error::need_more
          ? smg::server::refusal_for_parse_error(parsed.error, bytes)
          : check_head(parsed.head);
  if (refusal && code != nullptr) *code = refusal->code;
  return refusal ? refusal->status : 0;
}

const std::string kPost = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n";

}  // namespace

TEST_CASE("request head: well-framed requests pass", "[http][head]") {
  CHECK(status_of(kPost + "Content-Length: 2\r\n\r\nhi") == 0);
  CHECK(status_of(kPost + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi") == 0);
  CHECK(status_of(kPost + "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n") == 0);
  CHECK(status_of("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n") == 0);
  CHECK(status_of("DELETE /workers/1 HTTP/1.1\r\nHost: gw\r\n\r\n") == 0);
  CHECK(status_of(kPost + "X-Ok: 50%\tof \"q\" caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n") == 0);
}

TEST_CASE("request head: ambiguous framing is 400 invalid_framing", "[http][head][attack]") {
  std::string code;
  for (const std::string& bytes : {
           kPost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
           kPost + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
           kPost + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n",
           kPost + "Content-Length: 68abc\r\n\r\n",
           kPost + "Content-Length: 3, 3\r\n\r\n",
           kPost + "Content-Length: +3\r\n\r\n",
           kPost + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n",
           kPost + "Transfer-Encoding: gzip\r\n\r\n",
           kPost + "X-Bare: 1\nContent-Length: 2\r\n\r\n",
       }) {
    INFO(bytes);
    code.clear();
    CHECK(status_of(bytes, &code) == 400);
    CHECK(code == "invalid_framing");
  }
}

TEST_CASE("request head: malformed heads are 400", "[http][head][attack]") {
  for (const std::string& bytes : {
           kPost + "Transfer-Encoding : chunked\r\n\r\n",
           kPost + "X(Foo): b\r\nContent-Length: 0\r\n\r\n",
           std::string("GET /a b HTTP/1.1\r\nHost: gw\r\n\r\n"),
           std::string("GET / HTTP/2.0\r\nHost: gw\r\n\r\n"),
           kPost + "X-Ctl: a\x01" "b\r\nContent-Length: 0\r\n\r\n",
       }) {
    INFO(bytes);
    CHECK(status_of(bytes) == 400);
  }
}

TEST_CASE("request head: a %-escaped control character in a value is 400 invalid_header",
          "[http][head][attack]") {
  std::string code;
  for (const char* value : {"a%0d%0aPOST /flush_cache HTTP/1.1", "a%0ab", "a%00b", "a%7F"}) {
    INFO(value);
    CHECK(status_of(kPost + "X-Foo: " + value + "\r\nContent-Length: 0\r\n\r\n", &code) == 400);
    CHECK(code == "invalid_header");
  }
  CHECK(status_of(kPost + "X-Foo: 100%25 %09tab\r\nContent-Length: 0\r\n\r\n") == 0);
}

TEST_CASE("request head: a body method without framing is 411", "[http][head][attack]") {
  std::string code;
  CHECK(status_of(kPost + "\r\n", &code) == 411);
  CHECK(code == "length_required");
  CHECK(status_of("PUT /workers/1 HTTP/1.1\r\nHost: gw\r\n\r\n") == 411);
  CHECK(status_of("PATCH /workers/1 HTTP/1.1\r\nHost: gw\r\n\r\n") == 411);
}

TEST_CASE("request head: bounds are 431 (fields or line or head) and 414 (target)",
          "[http][head][attack]") {
  std::string many = kPost;
  for (int i = 0; i < 101; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  CHECK(status_of(many + "Content-Length: 0\r\n\r\n") == 431);
  CHECK(status_of(kPost + "X-Big: " + std::string(8200, 'b') + "\r\nContent-Length: 0\r\n\r\n") ==
        431);
  CHECK(status_of(kPost + "X-Big: " + std::string(8000, 'b') + "\r\nContent-Length: 0\r\n\r\n") ==
        0);
  std::string big = kPost;
  for (int i = 0; i < 80; ++i) big += "X-B" + std::to_string(i) + ": " + std::string(900, 'b') + "\r\n";
  CHECK(status_of(big + "\r\n") == 431);
  CHECK(status_of("GET /" + std::string(9000, 'p') + " HTTP/1.1\r\nHost: gw\r\n\r\n") == 414);
}

TEST_CASE("request head: a bad chunk size is 400 and a too large body 413", "[http][head][attack]") {
  auto error = boost::beast::http::make_error_code(http::error::bad_chunk);
  auto refusal = smg::server::refusal_for_parse_error(error, "");
  REQUIRE(refusal);
  CHECK(refusal->status == 400);
  CHECK(refusal->code == "invalid_framing");
  auto limit = smg::server::refusal_for_parse_error(
      boost::beast::http::make_error_code(http::error::body_limit), "");
  REQUIRE(limit);
  CHECK(limit->status == 413);
  // A client that closes mid-request, or a socket error, has no one to answer.
  CHECK_FALSE(smg::server::refusal_for_parse_error(
      boost::beast::http::make_error_code(http::error::partial_message), ""));
  CHECK_FALSE(smg::server::refusal_for_parse_error(
      boost::asio::error::make_error_code(boost::asio::error::connection_reset), ""));
}

TEST_CASE("request head: to_request keeps the headers but drops pseudo-header names",
          "[http][head]") {
  Parsed parsed = parse(
      "GET /a%2Fb?x=1&x=2 HTTP/1.1\r\nHost: gw\r\nX-Kept: yes\r\nREMOTE_ADDR: 6.6.6.6\r\n"
      "local_port: 1\r\nExpect: 100-continue\r\n\r\n");
  smg::server::Request request = smg::server::to_request(parsed.head);
  CHECK(request.method == "GET");
  CHECK(request.path == "/a/b");
  CHECK(request.query.at("x") == "2");
  CHECK(request.header("x-kept") == "yes");
  CHECK_FALSE(request.header("REMOTE_ADDR"));
  CHECK_FALSE(request.header("LOCAL_PORT"));
  CHECK(smg::server::expects_continue(parsed.head));
}
