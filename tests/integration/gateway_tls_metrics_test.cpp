// The gateway's serving edges with real processes: HTTPS with a certificate made by `openssl`,
// Prometheus metrics (authorised and on a separate listener), and the audit file reopened on
// SIGHUP the way logrotate needs.
#include <httplib.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/support/background_process.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/text_search.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using smg::test::BackgroundProcess;
using smg::test::TempDir;

namespace {

constexpr const char* kAdminKey = "tls-metrics-admin-key-0123456789";
const std::string kAdminSpec = std::string("ops:Ops:admin:") + kAdminKey;

struct Started {
  std::unique_ptr<BackgroundProcess> process;
  int port = 0;
};

Started start(const std::vector<std::string>& args, const std::string& banner) {
  std::vector<std::string> argv{SMGCTL_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  Started s{std::make_unique<BackgroundProcess>(argv)};
  auto line = s.process->wait_for_line(banner, std::chrono::seconds(20));
  INFO(s.process->err());
  REQUIRE(line);
  s.port = smg::test::trailing_port(*line);
  return s;
}

Started start_worker() { return start({"dev-worker", "--port", "0"}, "listening on http://"); }

std::string worker_url(const Started& worker) {
  return "http://127.0.0.1:" + std::to_string(worker.port);
}

httplib::Headers admin() { return {{"Authorization", std::string("Bearer ") + kAdminKey}}; }

// Polls until `done` holds or the deadline passes.
using smg::test::eventually;

}  // namespace

TEST_CASE("gateway tls: serves HTTPS with the configured certificate", "[gateway][tls]") {
  TempDir dir;
  auto made = smg::test::run_process(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
       "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem")});
  REQUIRE(made.exit_code == 0);
  auto worker = start_worker();
  auto gateway = start({"serve", "--port", "0", "--control-plane-api-keys", kAdminSpec,
                        "--worker-urls", worker_url(worker), "--tls-cert-path", dir.file("cert.pem"),
                        "--tls-key-path", dir.file("key.pem")},
                       "smg listening on https://");

  httplib::SSLClient client("127.0.0.1", gateway.port);
  client.set_ca_cert_path(dir.file("cert.pem").c_str());
  client.enable_server_certificate_verification(true);
  auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto workers = client.Get("/workers", admin());
  REQUIRE(workers);
  CHECK(workers->status == 200);
  CHECK(workers->body.find(worker_url(worker)) != std::string::npos);

  httplib::Client plain("127.0.0.1", gateway.port);
  plain.set_read_timeout(std::chrono::seconds(3));
  auto cleartext = plain.Get("/health");
  CHECK((!cleartext || cleartext->status != 200));

  SECTION("non-stream and SSE data-plane requests through HTTPS") {
    httplib::Headers headers = admin();
    auto chat = client.Post("/v1/chat/completions", headers,
                            R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"tls hi"}]})",
                            "application/json");
    REQUIRE(chat);
    CHECK(chat->status == 200);
    CHECK(chat->body.find("echo: tls hi") != std::string::npos);
    auto stream = client.Post(
        "/v1/chat/completions", headers,
        R"({"model":"smg-dev-echo","stream":true,"messages":[{"role":"user","content":"one two three"}]})",
        "application/json");
    REQUIRE(stream);
    CHECK(stream->status == 200);
    CHECK(stream->get_header_value("Content-Type").rfind("text/event-stream", 0) == 0);
    // A role event, three words, [DONE].
    CHECK(smg::test::count_occurrences(stream->body, "data: ") >= 4);
    CHECK(stream->body.find("data: [DONE]") != std::string::npos);
  }
  SECTION("an Authorization header over 8 KiB is 431 with a JSON body over HTTPS too") {
    auto huge = client.Get("/workers", {{"Authorization", "Bearer " + std::string(9000, 'a')}});
    REQUIRE(huge);
    CHECK(huge->status == 431);
    CHECK(huge->get_header_value("Content-Type") == "application/json");
    CHECK(huge->body.find("request_header_fields_too_large") != std::string::npos);
    auto after = client.Get("/health");  // a new connection is served as before
    REQUIRE(after);
    CHECK(after->status == 200);
  }
  SECTION("connections that never finish a handshake do not hold up HTTPS requests") {
    std::vector<int> silent;
    for (int i = 0; i < 100; ++i) {
      int fd = smg::test::connect_loopback(gateway.port);
      REQUIRE(fd >= 0);
      silent.push_back(fd);
    }
    auto began = std::chrono::steady_clock::now();
    httplib::SSLClient fresh("127.0.0.1", gateway.port);
    fresh.enable_server_certificate_verification(false);
    auto health = fresh.Get("/health");
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(2));
    // Silent connections are closed after the keep-alive idle timeout (2 s by default).
    char byte = 0;
    timeval wait{10, 0};
    setsockopt(silent.front(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    CHECK(::recv(silent.front(), &byte, 1, 0) == 0);
    for (int fd : silent) ::close(fd);
  }
}

TEST_CASE("gateway tls: unusable certificate files stop start-up with exit 2", "[gateway][tls]") {
  TempDir dir;
  smg::test::write_file(dir.file("cert.pem"), "not a certificate");
  smg::test::write_file(dir.file("key.pem"), "not a key");
  auto result = smg::test::run_smgctl({"serve", "--port", "0", "--tls-cert-path",
                                       dir.file("cert.pem"), "--tls-key-path", dir.file("key.pem")});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("TLS") != std::string::npos);
}

TEST_CASE("gateway metrics: Prometheus text, authorised, and on a separate listener",
          "[gateway][metrics]") {
  auto worker = start_worker();
  auto probe = start({"dev-worker", "--port", "0"}, "listening on http://");  // a free port
  int metrics_port = probe.port;
  probe.process->stop();
  auto gateway = start({"serve", "--port", "0", "--control-plane-api-keys", kAdminSpec,
                        "--worker-urls", worker_url(worker), "--prometheus-port",
                        std::to_string(metrics_port), "--health-check-interval-secs", "1"},
                       "smg listening on http://");
  httplib::Client client("127.0.0.1", gateway.port);
  REQUIRE(eventually([&] {
    auto r = client.Get("/readiness");
    return r && r->status == 200;
  }));
  std::string chat = R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"hi"}]})";
  for (int i = 0; i < 3; ++i) {
    auto r = client.Post("/v1/chat/completions", admin(), chat, "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  auto denied = client.Get("/metrics");
  REQUIRE(denied);
  CHECK(denied->status == 401);

  auto metrics = client.Get("/metrics", admin());
  REQUIRE(metrics);
  REQUIRE(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type").find("text/plain") == 0);
  const std::string& text = metrics->body;
  CHECK(text.find("smg_http_requests_total{class=\"data_plane\",status=\"200\"} 3") !=
        std::string::npos);
  CHECK(text.find("smg_auth_attempts_total{method=\"api_key\",result=\"success\"}") !=
        std::string::npos);
  CHECK(text.find("smg_upstream_latency_seconds_count 3") != std::string::npos);
  CHECK(text.find("smg_worker_healthy{worker=\"" + worker_url(worker) + "\"} 1") !=
        std::string::npos);
  CHECK(text.find("smg_streams_in_flight 0") != std::string::npos);
  CHECK(text.find(kAdminKey) == std::string::npos);

  httplib::Client separate("127.0.0.1", metrics_port);
  auto open = separate.Get("/metrics");
  REQUIRE(open);
  CHECK(open->status == 200);
  CHECK(open->body.find("smg_http_requests_total") != std::string::npos);
}

TEST_CASE("gateway audit: SIGHUP reopens the audit file after rotation", "[gateway][audit]") {
  TempDir dir;
  std::string path = dir.file("audit.log");
  auto gateway = start({"serve", "--port", "0", "--control-plane-api-keys", kAdminSpec,
                        "--audit-log-file", path},
                       "smg listening on http://");
  httplib::Client client("127.0.0.1", gateway.port);
  REQUIRE(client.Get("/workers", admin())->status == 200);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  std::filesystem::rename(path, dir.file("audit.log.1"));
  REQUIRE(kill(gateway.process->pid(), SIGHUP) == 0);
  REQUIRE(eventually([&] { return std::filesystem::exists(path); }));
  REQUIRE(client.Get("/get_loads", admin())->status == 200);

  std::string rotated = smg::test::read_file(dir.file("audit.log.1"));
  std::string current = smg::test::read_file(path);
  CHECK(rotated.find("\"path\":\"/workers\"") != std::string::npos);
  CHECK(rotated.find("/get_loads") == std::string::npos);
  CHECK(current.find("\"path\":\"/get_loads\"") != std::string::npos);
  CHECK(gateway.process->stop() == 0);
}
