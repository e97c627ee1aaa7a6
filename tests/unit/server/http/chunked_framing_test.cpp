#include "server/http/chunked_framing.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using smg::server::ChunkedFraming;

// Accepts `body` in one call and byte by byte; both readings must agree.
bool accepted(const std::string& body, bool* done = nullptr) {
  ChunkedFraming bulk, bytewise;
  bool whole = bulk.accept(body);
  bool each = true;
  for (char c : body) each = each && bytewise.accept(c);
  CHECK(whole == each);
  CHECK(bulk.done() == bytewise.done());
  if (done != nullptr) *done = bulk.done();
  return whole;
}

}  // namespace

TEST_CASE("chunked framing: RFC 9112 bodies are accepted to their end", "[http]") {
  bool done = false;
  CHECK(accepted("0\r\n\r\n", &done));
  CHECK(done);
  CHECK(accepted("5\r\nhello\r\n0\r\n\r\n", &done));
  CHECK(done);
  CHECK(accepted("A;name=value\r\n0123456789\r\n1f ; x\r\n" + std::string(31, 'z') +
                     "\r\n000\r\nTrailer: t\r\n\r\n",
                 &done));
  CHECK(done);
  CHECK(accepted("5\r\nhel", &done));  // incomplete, not wrong
  CHECK_FALSE(done);
}

TEST_CASE("chunked framing: what strtoul would take is refused", "[http][attack]") {
  for (const char* body : {" 44\r\n", "0x44\r\n", "+44\r\n", "-1\r\n", "\r\n", "g\r\n", "44\n",
                           "5\r\nhelloX\r\n", "5\r\nhello\n0\r\n\r\n", "0\r\n\n", "0\r\nTrailer\n",
                           "1;\x01\r\n", "1000000000000000\r\n", "0\r\n\r\nextra"}) {
    INFO(body);
    CHECK_FALSE(accepted(body));
  }
  ChunkedFraming framing;
  CHECK_FALSE(framing.accept(" "));
  CHECK(framing.failed());
  CHECK_FALSE(framing.accept('0'));  // nothing is accepted after a failure
}

TEST_CASE("chunked framing: the largest size fits, one more digit is refused", "[http][attack]") {
  CHECK(accepted("fffffffffffffff\r\n"));         // 15 digits
  CHECK_FALSE(accepted("1000000000000000\r\n"));  // 16
  CHECK(accepted("000000000000005\r\nhello\r\n"));
}
