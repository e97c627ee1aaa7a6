// Pure tests of UpstreamClient's helpers (header lines, status mapping). They sit with the
// integration tests because only that binary links smg_server.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "server/proxy/internal/curl_status.h"
#include "server/proxy/internal/header_lines.h"
#include "server/proxy/upstream_client.h"

namespace {

using smg::proxy::internal::ResponseHead;

std::vector<std::string> lines_of(curl_slist* list) {
  std::vector<std::string> lines;
  for (curl_slist* item = list; item != nullptr; item = item->next) {
    lines.emplace_back(item->data);
  }
  curl_slist_free_all(list);
  return lines;
}

}  // namespace

TEST_CASE("upstream: ResponseHead keeps the final head only", "[upstream][unit]") {
  ResponseHead head;
  SECTION("plain head") {
    for (const char* line : {"HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n",
                             "Connection: keep-alive\r\n", "X-A:  b c \r\n", "\r\n"}) {
      head.on_line(line);
    }
    CHECK(head.complete());
    CHECK(head.status() == 200);
    REQUIRE(head.headers().size() == 2);
    CHECK(head.headers()[1] == std::pair<std::string, std::string>("X-A", "b c"));
  }
  SECTION("interim 100 Continue is dropped, trailers are ignored") {
    for (const char* line : {"HTTP/1.1 100 Continue\r\n", "\r\n"}) {
      head.on_line(line);
    }
    CHECK_FALSE(head.complete());
    for (const char* line : {"HTTP/1.1 503 Service Unavailable\r\n", "Retry-After: 3\r\n",
                             "Transfer-Encoding: chunked\r\n", "\r\n", "X-Trailer: t\r\n"}) {
      head.on_line(line);
    }
    CHECK(head.complete());
    CHECK(head.status() == 503);
    REQUIRE(head.headers().size() == 1);
    CHECK(smg::proxy::find_header(head.headers(), "retry-after") == "3");
  }
  SECTION("malformed status line") {
    head.on_line("HTTP/1.1 2x0 Odd\r\n");
    head.on_line("\r\n");
    CHECK_FALSE(head.complete());
  }
}

TEST_CASE("upstream: request headers suppress libcurl defaults and hop-by-hop headers",
          "[upstream][unit]") {
  using smg::proxy::internal::build_request_headers;
  auto lines = lines_of(build_request_headers(
      {{"Authorization", "Bearer k"}, {"Connection", "close"}, {"Content-Length", "9"},
       {"X-Empty", ""}, {"Content-Type", "application/json"}}));
  CHECK(lines == std::vector<std::string>{"Authorization: Bearer k", "X-Empty;",
                                          "Content-Type: application/json", "Accept:",
                                          "Expect:"});
}

TEST_CASE("upstream: transport failures map to reasons and gateway statuses",
          "[upstream][unit]") {
  using smg::proxy::http_status_for;
  using smg::proxy::internal::StopCause;
  using smg::proxy::internal::transfer_status;
  CHECK(transfer_status(CURLE_OK, {}).ok());
  auto refused = transfer_status(CURLE_COULDNT_CONNECT, {});
  CHECK(refused.reason() == "upstream_connect_failed");
  CHECK(http_status_for(refused) == 502);
  CHECK(transfer_status(CURLE_COULDNT_RESOLVE_HOST, {}).reason() == "upstream_connect_failed");
  auto timeout = transfer_status(CURLE_OPERATION_TIMEDOUT, {});
  CHECK(timeout.reason() == "upstream_timeout");
  CHECK(http_status_for(timeout) == 504);
  auto too_large = transfer_status(CURLE_WRITE_ERROR, StopCause{.too_large = true});
  CHECK(too_large.reason() == "upstream_too_large");
  CHECK(http_status_for(too_large) == 502);
  auto other = transfer_status(CURLE_GOT_NOTHING, {});
  CHECK(other.reason() == "upstream_failed");
  CHECK(http_status_for(other) == 502);
  CHECK(transfer_status(CURLE_WRITE_ERROR, StopCause{.client_disconnected = true}).reason() ==
        "client_disconnected");
}
