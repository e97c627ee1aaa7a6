// The attack probe's lesser findings, each reproduced on a real `smgctl serve` with requests
// written to raw sockets (no client normalises them) and, where the worker side matters, a
// WireWorker that records request heads exactly as they crossed the gateway-worker hop.
//   2  no body is read before authentication; a Content-Length over the route's limit is 413
//   3  a POST without framing is 411 (not a wait for EOF)
//   4  more than 100 header fields or a 64 KiB head is 431, never forwarded
//   5  RFC 9112 framing strictly: ambiguous lengths, bare LF, a bad transfer coding are 400 and
//      nothing after an error on a connection runs
//   6  an unauthenticated GET /workers/%ff must not break GET /admin/audit
//   9  control-plane 405s come after authentication and are audited; a CR/LF path is a 400
//      that goes through the gateway (request id, metric, audit)
//   10 hop-by-hop, Connection-named, HTTP2-Settings and REMOTE_ADDR headers stay on the first
//      hop; X-Forwarded-For/-Proto are the gateway's
//   12 link-local and metadata worker URLs are refused in every spelling; a worker URL that
//      leads back to the gateway is a 508, not a loop over every connection
//   also: a worker's empty-bodied error reaches the caller as the worker sent it
// (7, the dev worker's /dev/stats, is in devworker_test.cpp; 8, capped client text, in
// request_log_test.cpp and tests/unit/text/capped_text_test.cpp.)
#include <httplib.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "server/proxy/forwarding_headers.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/local_http_server.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/raw_http.h"
#include "tests/support/wire_worker.h"

using namespace std::chrono_literals;
using nlohmann::json;
using smg::test::bearer;
using smg::test::json_body;

namespace {

const std::string kUserKey = "probe-user-key-0123456789";
const std::string kAdminKey = "probe-admin-key-0123456789";
const std::string kWorkerKey = "probe-worker-key-0123456789";
const std::string kBody = R"({"model":"m1","messages":[{"role":"user","content":"hi"}]})";

std::vector<std::string> keyed(std::vector<std::string> args) {
  args.insert(args.end(), {"--log-level", "warn", "--control-plane-api-keys",
                           "ops:Ops:admin:" + kAdminKey, "app:App:user:" + kUserKey});
  return args;
}

bool ready(smg::test::GatewayProcess& gateway) {
  return smg::test::poll_until(
      [&] {
        auto res = gateway.client().Get("/readiness");
        return res && res->status == 200;
      },
      15s);
}

}  // namespace

TEST_CASE("probe 6: a path with invalid UTF-8 leaves /admin/audit answering valid JSON",
          "[integration][probe]") {
  smg::test::GatewayProcess gateway(keyed({}));
  auto reply = smg::test::raw_exchange(gateway.port(),
                                       "GET /workers/%ff%fe%c3 HTTP/1.1\r\nHost: gw\r\n"
                                       "Connection: close\r\n\r\n");
  CHECK(smg::test::first_status(reply.text) == 401);
  auto audit = gateway.client().Get("/admin/audit", bearer(kAdminKey));
  REQUIRE(audit);
  INFO(audit->body);
  REQUIRE(audit->status == 200);
  json events = json::parse(audit->body, nullptr, false);  // strict UTF-8
  REQUIRE_FALSE(events.is_discarded());
  bool found = false;
  for (const auto& event : events["events"]) {
    std::string path = event["path"];
    if (path.rfind("/workers/", 0) == 0 && event["outcome"] == "unauthenticated") found = true;
  }
  CHECK(found);
}

TEST_CASE("probe 10: hop-by-hop and pseudo-headers never reach the worker, X-Forwarded-* are ours",
          "[integration][probe]") {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway(
      keyed({"--worker-urls", worker.url(), "--api-key", kWorkerKey, "--disable-retries"}));
  REQUIRE(ready(gateway));
  std::string request =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + kUserKey +
      "\r\nContent-Type: application/json\r\nConnection: keep-alive, X-Secret-Hop\r\n"
      "X-Secret-Hop: must-not-pass\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
      "REMOTE_ADDR: 6.6.6.6\r\nLOCAL_ADDR: 6.6.6.7\r\nX-Forwarded-For: 6.6.6.8\r\n"
      "X-Forwarded-Proto: gopher\r\nx-marker: probe10\r\nX-Kept: yes\r\nContent-Length: " +
      std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
  auto reply = smg::test::raw_exchange(gateway.port(), request);
  REQUIRE(smg::test::first_status(reply.text) == 200);
  auto seen = worker.data_requests();
  REQUIRE(seen.size() == 1);
  const std::string& head = seen[0].head;
  INFO(head);
  CHECK(seen[0].marker == "probe10");
  CHECK(head.find("X-Kept: yes") != std::string::npos);
  for (const char* gone : {"must-not-pass", "X-Secret-Hop", "HTTP2-Settings", "REMOTE_ADDR",
                           "LOCAL_ADDR", "6.6.6.6", "6.6.6.7", "6.6.6.8", "gopher"}) {
    INFO(gone);
    CHECK(head.find(gone) == std::string::npos);
  }
  CHECK(head.find("X-Forwarded-For: 127.0.0.1\r\n") != std::string::npos);
  CHECK(head.find("X-Forwarded-Proto: http\r\n") != std::string::npos);
  CHECK(head.find("Via: 1.1 smg-") != std::string::npos);
  CHECK(head.find(kUserKey) == std::string::npos);
}

TEST_CASE("probe 12: link-local and metadata worker URLs are refused in every spelling",
          "[integration][probe]") {
  smg::test::GatewayProcess gateway(keyed({}));
  auto client = gateway.client();
  for (const char* url : {"http://169.254.169.254", "http://0xa9fea9fe", "http://2852039166",
                          "http://[fd00:ec2::254]", "http://[::ffff:169.254.169.254]",
                          "http://metadata.google.internal"}) {
    INFO(url);
    auto res =
        client.Post("/workers", bearer(kAdminKey), json{{"url", url}}.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_body(res)["error"]["code"] == "worker_target_refused");
  }
  auto listed = client.Get("/workers", bearer(kAdminKey));
  REQUIRE(listed);
  CHECK(json_body(listed)["workers"].empty());

  // At start-up too, and allowed when the operator says so.
  auto refused =
      smg::test::run_smgctl({"serve", "--port", "0", "--worker-urls", "http://0xa9fea9fe"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--allow-link-local-workers") != std::string::npos);
  smg::test::GatewayProcess allowed(
      keyed({"--allow-link-local-workers", "--worker-urls", "http://169.254.169.254:9"}));
  auto allowed_list = allowed.client().Get("/workers", bearer(kAdminKey));
  REQUIRE(allowed_list);
  CHECK(json_body(allowed_list)["workers"].size() == 1);
}

TEST_CASE("probe 12: a worker URL that leads back to the gateway is answered 508, once",
          "[integration][probe]") {
  // The gateway's key is also the one it sends to workers, so a request it forwards to itself
  // would be accepted again: only the Via token stops the loop.
  smg::test::WireWorker worker;  // makes the gateway ready; the self-worker is picked too
  smg::test::GatewayProcess gateway({"--log-level", "warn", "--api-key", kWorkerKey,
                                     "--worker-urls", worker.url(), "--disable-retries", "--policy",
                                     "round_robin"});
  REQUIRE(ready(gateway));
  auto client = gateway.client();
  auto added = client.Post("/workers", bearer(kWorkerKey),
                           json{{"url", gateway.base_url()}, {"models", {{{"id", "m1"}}}}}.dump(),
                           "application/json");
  REQUIRE(added);
  REQUIRE(added->status == 202);
  REQUIRE(smg::test::poll_until(
      [&] {
        auto r = client.Get("/readiness");
        return r && json_body(r)["healthy_workers"] == 2;
      },
      15s));
  int looped = 0, served = 0;
  for (int i = 0; i < 6; ++i) {
    auto res = client.Post("/v1/chat/completions", bearer(kWorkerKey), kBody, "application/json");
    REQUIRE(res);
    if (res->status == 508) {
      ++looped;
      CHECK(json_body(res)["error"]["code"] == "loop_detected");
    } else {
      CHECK(res->status == 200);
      ++served;
    }
  }
  CHECK(looped > 0);
  CHECK(served > 0);
  // Each looped request came back exactly once: the inner arrival was answered 508 at once
  // (and the outer relayed it), instead of being forwarded again.
  auto metrics = client.Get("/metrics", bearer(kWorkerKey));
  REQUIRE(metrics);
  CHECK(metrics->body.find("smg_http_requests_total{class=\"data_plane\",status=\"508\"} " +
                           std::to_string(2 * looped) + "\n") != std::string::npos);
}

namespace {

// A head sent alone: the gateway's answer must come without the body it announces.
smg::test::RawReply head_only(int port, const std::string& head) {
  int fd = smg::test::connect_loopback(port);
  REQUIRE(fd >= 0);
  smg::test::send_all(fd, head);
  auto reply = smg::test::read_until_quiet(fd, 3000ms);
  ::close(fd);
  return reply;
}

std::string post_head(const std::string& path, const std::string& key, std::size_t length) {
  std::string head = "POST " + path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n";
  if (!key.empty()) head += "Authorization: Bearer " + key + "\r\n";
  return head + "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

int audit_count(smg::test::GatewayProcess& gateway, const std::string& path, int status) {
  auto audit = gateway.client().Get("/admin/audit", bearer(kAdminKey));
  REQUIRE(audit);
  int n = 0;
  json listing = json::parse(audit->body);  // held: a range-for over a temporary's member dangles
  for (const auto& event : listing["events"]) {
    if (event["path"] == path && event["status"] == status) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("probe 2: refused before the body: 401 without a key, 413 over the route's limit",
          "[integration][probe]") {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway(
      keyed({"--worker-urls", worker.url(), "--max-payload-size", "100000"}));
  REQUIRE(ready(gateway));
  // 200 MB announced, nothing sent: the answer comes at once and the connection closes.
  auto anonymous = head_only(gateway.port(), post_head("/v1/chat/completions", "", 200000000));
  CHECK(smg::test::first_status(anonymous.text) == 401);
  CHECK(anonymous.closed);
  auto control = head_only(gateway.port(), post_head("/workers", "", 200000000));
  CHECK(smg::test::first_status(control.text) == 401);
  CHECK(control.closed);
  // A user key on the control plane: 403 on the head.
  auto user = head_only(gateway.port(), post_head("/workers", kUserKey, 200000000));
  CHECK(smg::test::first_status(user.text) == 403);
  // Admins get the control plane's 1 MiB; callers the data plane's --max-payload-size.
  auto admin = head_only(gateway.port(), post_head("/workers", kAdminKey, (1 << 20) + 1));
  CHECK(smg::test::first_status(admin.text) == 413);
  CHECK(admin.text.find("payload_too_large") != std::string::npos);
  CHECK(admin.closed);
  auto caller = head_only(gateway.port(), post_head("/v1/chat/completions", kUserKey, 100001));
  CHECK(smg::test::first_status(caller.text) == 413);
  CHECK(caller.closed);
  CHECK(worker.data_requests().empty());
  // Audited once each, with what was decided on the head.
  CHECK(audit_count(gateway, "/workers", 401) == 1);
  CHECK(audit_count(gateway, "/workers", 403) == 1);
  CHECK(audit_count(gateway, "/workers", 413) == 1);
  // Within the limits the body is read and the request served.
  auto served =
      gateway.client().Post("/v1/chat/completions", bearer(kUserKey), kBody, "application/json");
  REQUIRE(served);
  CHECK(served->status == 200);
}

TEST_CASE("probe 2: a chunked body is held to its route's limit, not only the data plane's",
          "[integration][probe]") {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway(keyed({"--worker-urls", worker.url()}));
  REQUIRE(ready(gateway));
  // The control plane's 1 MiB (--max-payload-size stays at its 512 MiB default): a chunk of
  // 1 MiB + 64 KiB is refused as soon as its size line is read, without waiting for its bytes.
  std::string head = "POST /workers HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                     "Authorization: Bearer " + std::string(kAdminKey) +
                     "\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto over = smg::test::raw_exchange(gateway.port(), head + "110000\r\n" + std::string(4096, 'a'));
  CHECK(smg::test::first_status(over.text) == 413);
  CHECK(over.text.find("payload_too_large") != std::string::npos);
  CHECK(over.closed);
  // Many small chunks that add up past the limit are refused too.
  std::string chunks;
  for (int i = 0; i < 20; ++i) chunks += "10000\r\n" + std::string(0x10000, 'b') + "\r\n";
  auto summed = smg::test::raw_exchange(gateway.port(), head + chunks);
  CHECK(smg::test::first_status(summed.text) == 413);
  // Within the limit a chunked body is read and handled (here: not a worker, 400).
  std::string small = R"({"url": 7})";
  auto within = smg::test::raw_exchange(
      gateway.port(), head + "a\r\n" + small + "\r\n0\r\n\r\n");
  CHECK(smg::test::first_status(within.text) == 400);
  CHECK(within.text.find("payload_too_large") == std::string::npos);
}

TEST_CASE("data plane: the query string reaches the worker as the client sent it",
          "[integration][probe]") {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway(keyed({"--worker-urls", worker.url()}));
  REQUIRE(ready(gateway));
  auto served = gateway.client().Post("/v1/chat/completions?api-version=2024-06-01&x=a%20b",
                                      bearer(kUserKey), kBody, "application/json");
  REQUIRE(served);
  CHECK(served->status == 200);
  auto requests = worker.data_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path == "/v1/chat/completions?api-version=2024-06-01&x=a%20b");
}

TEST_CASE("probe 3, 4, 5: framing and head bounds are enforced, and the connection closes",
          "[integration][probe]") {
  smg::test::WireWorker worker;
  smg::test::GatewayProcess gateway(
      keyed({"--worker-urls", worker.url(), "--api-key", kWorkerKey}));
  REQUIRE(ready(gateway));
  const std::string auth = "Authorization: Bearer " + kUserKey + "\r\n";
  const std::string start = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n" + auth;
  const std::string length = "Content-Length: " + std::to_string(kBody.size()) + "\r\n";
  const std::string chunked = "Transfer-Encoding: chunked\r\n\r\n";
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx", kBody.size());
  const std::string hex_size = hex;
  struct Case {
    const char* what;
    std::string bytes;
    int status;
  };
  std::string many_headers = start;
  for (int i = 0; i < 101; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  std::string big_head = start;
  for (int i = 0; i < 80; ++i)
    big_head += "X-Big" + std::to_string(i) + ": " + std::string(900, 'b') + "\r\n";
  const std::vector<Case> cases = {
      {"no framing on a POST", start + "\r\n" + kBody, 411},
      {"Content-Length with Transfer-Encoding",
       start + length + "Transfer-Encoding: chunked\r\n\r\n" + kBody, 400},
      {"two different lengths", start + length + "Content-Length: 3\r\n\r\n" + kBody, 400},
      {"a length that is not a number", start + "Content-Length: 68abc\r\n\r\n" + kBody, 400},
      {"a space before the colon", start + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400},
      {"Transfer-Encoding twice",
       start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"a transfer coding other than chunked",
       start + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
      {"a bare-LF header line", start + "X-Bare: 1\n" + length + "\r\n" + kBody, 400},
      {"a chunk size with a space and 0x (strtoul's reading)",
       start + chunked + " 0x" + hex_size + "\r\n" + kBody + "\r\n0\r\n\r\n", 400},
      {"a chunk size with 0x", start + chunked + "0x" + hex_size + "\r\n" + kBody + "\r\n0\r\n\r\n",
       400},
      {"a chunk size with a sign", start + chunked + "+" + hex_size + "\r\n" + kBody + "\r\n0\r\n\r\n",
       400},
      {"a chunk size line ending in a bare LF",
       start + chunked + hex_size + "\n" + kBody + "\r\n0\r\n\r\n", 400},
      {"chunk data longer than its size",
       start + chunked + hex_size + "\r\n" + kBody + "xx\r\n0\r\n\r\n", 400},
      {"101 header fields", many_headers + length + "\r\n" + kBody, 431},
      {"a 72 KiB head", big_head + length + "\r\n" + kBody, 431},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    // A valid request pipelined after the bad one must never run.
    std::string follow =
        "GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + auth + "x-marker: after\r\n\r\n";
    auto reply = smg::test::raw_exchange(gateway.port(), c.bytes + follow);
    CHECK(smg::test::first_status(reply.text) == c.status);
    CHECK(reply.closed);
    CHECK(reply.text.find("HTTP/1.1", 8) == std::string::npos);  // one response only
  }
  CHECK(worker.data_requests().empty());
  // The same requests, well framed, pass.
  auto ok =
      smg::test::raw_exchange(gateway.port(), start + length + "Connection: close\r\n\r\n" + kBody);
  CHECK(smg::test::first_status(ok.text) == 200);
  // A chunked body in two chunks, one with an extension, upper-case hex, an empty trailer.
  std::string first = kBody.substr(0, 10), rest = kBody.substr(10);
  std::snprintf(hex, sizeof hex, "%zX", rest.size());
  auto chunks = smg::test::raw_exchange(
      gateway.port(), start + "Connection: close\r\n" + chunked + "a;name=value\r\n" + first +
                          "\r\n" + hex + "\r\n" + rest + "\r\n0\r\n\r\n");
  CHECK(smg::test::first_status(chunks.text) == 200);
  CHECK(worker.data_requests().size() == 2);
}

TEST_CASE("probe 9: control-plane 405s come after authentication, audited, a CR/LF path is 400",
          "[integration][probe]") {
  smg::test::GatewayProcess gateway(keyed({}));
  auto client = gateway.client();
  auto anonymous = client.Put("/workers", "{}", "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK_FALSE(anonymous->has_header("Allow"));
  auto user = client.Put("/workers", bearer(kUserKey), "{}", "application/json");
  REQUIRE(user);
  CHECK(user->status == 403);
  CHECK_FALSE(user->has_header("Allow"));
  auto admin = client.Put("/workers", bearer(kAdminKey), "{}", "application/json");
  REQUIRE(admin);
  CHECK(admin->status == 405);
  CHECK(admin->get_header_value("Allow") == "GET,POST");
  CHECK(audit_count(gateway, "/workers", 401) == 1);
  CHECK(audit_count(gateway, "/workers", 403) == 1);
  CHECK(audit_count(gateway, "/workers", 405) == 1);

  auto newline = smg::test::raw_exchange(
      gateway.port(), "GET /workers%0a HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + kAdminKey +
                          "\r\nConnection: close\r\n\r\n");
  CHECK(smg::test::first_status(newline.text) == 400);
  CHECK(newline.text.find("invalid_path") != std::string::npos);
  CHECK(newline.text.find("x-request-id: ") != std::string::npos);
  CHECK(audit_count(gateway, "/workers\n", 400) == 1);
  auto metrics = client.Get("/metrics", bearer(kAdminKey));
  REQUIRE(metrics);
  CHECK(metrics->body.find("status=\"400\"}") != std::string::npos);
}

TEST_CASE("probe, also seen: a worker's empty-bodied error is relayed as the worker sent it",
          "[integration][probe]") {
  smg::test::LocalHttpServer worker;
  worker.http().Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("OK", "text/plain");
  });
  worker.http().Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"object":"list","data":[{"id":"m1","object":"model"}]})",
                    "application/json");
  });
  worker.http().Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;  // no body at all
  });
  worker.start();
  smg::test::GatewayProcess gateway(
      keyed({"--worker-urls", worker.url(""), "--disable-retries", "--disable-circuit-breaker"}));
  REQUIRE(ready(gateway));
  auto res =
      gateway.client().Post("/v1/chat/completions", bearer(kUserKey), kBody, "application/json");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->body.find("Malformed") == std::string::npos);
  CHECK(res->body.empty());
}

TEST_CASE(
    "probe 3: a head dripped byte by byte gets 408 at the head deadline, connections past "
    "--max-connections are closed at once and counted",
    "[integration][probe]") {
  smg::test::GatewayProcess gateway(
      keyed({"--request-head-timeout-secs", "1", "--max-connections", "4"}));
  {  // slowloris: the request line, then one header byte every 200 ms, never the end of the head
    // (a request line that stalls is closed without an answer, as nginx does)
    int fd = smg::test::connect_loopback(gateway.port());
    REQUIRE(fd >= 0);
    auto started = std::chrono::steady_clock::now();
    smg::test::send_all(fd, "GET /health HTTP/1.1\r\n");
    std::string head = "Host: gw\r\nX-Slow: ";
    smg::test::RawReply reply;
    for (std::size_t i = 0; i < 40 && !reply.closed; ++i) {
      ::send(fd, i < head.size() ? &head[i] : "a", 1, MSG_NOSIGNAL);
      auto part = smg::test::read_until_quiet(fd, 200ms);
      reply.text += part.text;
      reply.closed = part.closed;
    }
    ::close(fd);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(smg::test::first_status(reply.text) == 408);
    CHECK(reply.closed);
    CHECK(took < 5s);  // the deadline is the whole head's, not each read's
  }
  // Four idle connections hold every slot; the fifth is closed without a byte read.
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) {
    int fd = smg::test::connect_loopback(gateway.port());
    REQUIRE(fd >= 0);
    held.push_back(fd);
  }
  int extra = smg::test::connect_loopback(gateway.port());
  REQUIRE(extra >= 0);
  smg::test::send_all(extra, "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
  auto refused = smg::test::read_until_quiet(extra, 2000ms);
  ::close(extra);
  CHECK(refused.closed);
  CHECK(refused.text.empty());
  for (int fd : held) ::close(fd);
  REQUIRE(smg::test::poll_until(
      [&] {
        auto res = gateway.client().Get("/metrics", bearer(kAdminKey));
        return res && res->status == 200 &&
               res->body.find("smg_connections_refused_total 0\n") == std::string::npos &&
               res->body.find("smg_connections_refused_total ") != std::string::npos;
      },
      10s));
}

TEST_CASE(
    "probe 3: a body dripped under --request-body-min-rate gets 408 and the connection closes, "
    "a fast body of the same length is served",
    "[integration][probe]") {
  smg::test::DevWorkerProcess worker({"m1"});
  smg::test::GatewayProcess gateway(keyed({"--request-body-timeout-secs", "1",
                                           "--request-body-min-rate", "4096", "--worker-urls",
                                           worker.url()}));
  const std::string body = smg::test::chat_body("m1", std::string(20000, 'x'));
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: "
                           "Bearer " + kUserKey + "\r\nContent-Type: application/json\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  {  // 100 bytes every 100 ms: 1 KB/s, a quarter of the rate; the 20 KB body would take 20 s
    int fd = smg::test::connect_loopback(gateway.port());
    REQUIRE(fd >= 0);
    auto started = std::chrono::steady_clock::now();
    smg::test::send_all(fd, head);
    smg::test::RawReply reply;
    for (std::size_t sent = 0; sent < body.size() && !reply.closed; sent += 100) {
      ::send(fd, body.data() + sent, std::min<std::size_t>(100, body.size() - sent), MSG_NOSIGNAL);
      auto part = smg::test::read_until_quiet(fd, 100ms);
      reply.text += part.text;
      reply.closed = part.closed;
    }
    if (!reply.closed) {
      auto rest = smg::test::read_until_quiet(fd, 2000ms);
      reply.text += rest.text;
      reply.closed = rest.closed;
    }
    ::close(fd);
    auto took = std::chrono::steady_clock::now() - started;
    INFO(reply.text);
    CHECK(smg::test::first_status(reply.text) == 408);
    CHECK(reply.text.find("The request body arrived too slowly") != std::string::npos);
    CHECK(reply.closed);
    CHECK(took < 8s);  // 1 s plus a second per 4 KiB received, not 30 s per read
  }
  // The same body at once: well over the rate, served.
  REQUIRE(smg::test::poll_until(
      [&] {
        auto ready = smg::test::json_body(gateway.client().Get("/readiness"));
        return ready.is_object() && ready.value("healthy_workers", -1) == 1;
      },
      15s));
  auto reply = smg::test::raw_exchange(gateway.port(), head + body);
  CHECK(smg::test::first_status(reply.text) == 200);
}
