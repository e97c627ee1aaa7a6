// Request smuggling through header values (attack probe, critical finding): a header value that
// holds CR/LF — raw, or percent-encoded so that an HTTP library decodes it into line breaks —
// must never become a line break on the worker connection. Otherwise a data-plane user makes
// the worker run a hidden request under the worker's key (never audited), and the pooled worker
// connection is left one response behind: the next caller gets the attacker's response.
// The worker here is a WireWorker (tests/support/wire_worker.h), which records the request
// heads exactly as they crossed the wire. Requests go out on raw sockets: no client normalises
// them.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/gateway_fixture.h"
#include "tests/support/raw_http.h"
#include "tests/support/wire_worker.h"

using namespace std::chrono_literals;

namespace {

const std::string kUserKey = "smuggling-user-key-0123456789";
const std::string kAdminKey = "smuggling-admin-key-0123456789";
const std::string kWorkerKey = "smuggling-worker-key-0123456789";
const std::string kBody = R"({"model":"m1","messages":[{"role":"user","content":"hi"}]})";

struct SmugglingSetup {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway{
      {"--log-level", "warn", "--worker-urls", worker.url(), "--api-key", kWorkerKey,
       "--control-plane-api-keys", "ops:Ops:admin:" + kAdminKey, "app:App:user:" + kUserKey,
       "--disable-retries"}};

  SmugglingSetup() {
    REQUIRE(smg::test::poll_until(
        [&] {
          auto res = gateway.client().Get("/readiness");
          return res && res->status == 200;
        },
        15s));
  }
};

// A chat request whose X-Foo header value carries `value` (written to the wire as given).
std::string chat_request(const std::string& foo_value, const std::string& marker) {
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + kUserKey +
         "\r\nContent-Type: application/json\r\nx-marker: " + marker + "\r\nX-Foo: " + foo_value +
         "\r\nContent-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
}

// What an attacker puts in a header value: the end of the worker-bound head, then a whole
// second request (here percent-encoded; httplib 0.11 decodes header values).
const std::string kSmuggledEncoded =
    "a%0d%0a%0d%0aPOST /flush_cache HTTP/1.1%0d%0aHost: w%0d%0ax-marker: smuggled%0d%0a"
    "Content-Length: 0%0d%0a%0d%0a";

std::string victim_marker(const nlohmann::json& body) {
  return body.is_object() ? body.value("marker", std::string("?")) : "not json";
}

}  // namespace

TEST_CASE("smuggling: a percent-encoded CRLF in a header value never reaches the worker",
          "[security][smuggling][attack]") {
  SmugglingSetup setup;
  auto reply = smg::test::raw_exchange(setup.gateway.port(), chat_request(kSmuggledEncoded, "a1"));
  INFO(reply.text);
  CHECK(smg::test::first_status(reply.text) == 400);
  CHECK(reply.text.find("invalid_header") != std::string::npos);
  CHECK(reply.closed);
  // The worker saw neither the hidden request nor the carrier.
  CHECK(setup.worker.count_path("/flush_cache") == 0);
  CHECK(setup.worker.data_requests().empty());
}

TEST_CASE("smuggling: raw control characters in header values are refused",
          "[security][smuggling][attack]") {
  SmugglingSetup setup;
  for (std::string value : {std::string("a\rPOST /flush_cache HTTP/1.1"), std::string("a\0b", 3),
                            std::string("a\x1b[31mb"), std::string("a%0ab"), std::string("a%00b")}) {
    auto reply = smg::test::raw_exchange(setup.gateway.port(), chat_request(value, "a2"));
    INFO(reply.text);
    CHECK(smg::test::first_status(reply.text) == 400);
    CHECK(reply.closed);
  }
  CHECK(setup.worker.data_requests().empty());
}

TEST_CASE("smuggling: a header name that is not a token is refused",
          "[security][smuggling][attack]") {
  SmugglingSetup setup;
  for (std::string name : {"X(Foo)", "X/Foo", "X\"Foo", "X@Foo"}) {
    std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " +
                          kUserKey + "\r\n" + name + ": b\r\nContent-Length: " +
                          std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
    auto reply = smg::test::raw_exchange(setup.gateway.port(), request);
    INFO(name << "\n" << reply.text);
    CHECK(smg::test::first_status(reply.text) == 400);
  }
  CHECK(setup.worker.data_requests().empty());
}

TEST_CASE("smuggling: nothing after a refused request on the same connection is run",
          "[security][smuggling][attack]") {
  SmugglingSetup setup;
  std::string follow_up = "GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " +
                          kUserKey + "\r\n\r\n";
  auto reply = smg::test::raw_exchange(setup.gateway.port(),
                                       chat_request("a%0d%0ab", "a3") + follow_up);
  INFO(reply.text);
  CHECK(smg::test::first_status(reply.text) == 400);
  CHECK(reply.text.find("HTTP/1.1", 5) == std::string::npos);  // exactly one response
  CHECK(reply.closed);
}

TEST_CASE("smuggling: the next caller gets its own answer, not the attacker's",
          "[security][smuggling][attack]") {
  SmugglingSetup setup;
  // The attacker, then victims one after another on new connections: each must get the answer
  // to its own request (the worker echoes x-marker), whatever connection the gateway reused.
  smg::test::raw_exchange(setup.gateway.port(), chat_request(kSmuggledEncoded, "attacker"));
  for (int i = 0; i < 5; ++i) {
    std::string marker = "victim-" + std::to_string(i);
    auto res = setup.gateway.client().Post(
        "/v1/chat/completions",
        smg::test::bearer(kUserKey, {{"x-marker", marker}}), kBody, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(victim_marker(nlohmann::json::parse(res->body, nullptr, false)) == marker);
  }
  CHECK(setup.worker.count_path("/flush_cache") == 0);
}

TEST_CASE("smuggling: valid header values still pass, with the worker's key and not the caller's",
          "[security][smuggling]") {
  SmugglingSetup setup;
  // Percent signs, tabs, obs-text and quotes are legal field content.
  auto reply = smg::test::raw_exchange(
      setup.gateway.port(), chat_request("50%\tof \"q\" caf\xc3\xa9", "ok1"), 1000ms);
  INFO(reply.text);
  CHECK(smg::test::first_status(reply.text) == 200);
  auto seen = setup.worker.data_requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].marker == "ok1");
  CHECK(seen[0].head.find("Authorization: Bearer " + kWorkerKey) != std::string::npos);
  CHECK(seen[0].head.find(kUserKey) == std::string::npos);
}
