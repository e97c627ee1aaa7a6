// `smgctl audit tail` against a real gateway: the ring once (filters, table and JSON lines),
// followed over SSE (-f sees a new event), reconnecting with Last-Event-ID after the stream drops
// (against a local SSE server that closes every stream), and a local audit file followed across
// a logrotate-style rename + SIGHUP.
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/support/background_process.h"
#include "tests/support/eventually.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/local_http_server.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using nlohmann::json;

namespace {

constexpr const char* kAdminKey = "sk-audittest-admin-2e7c9b04";
constexpr const char* kUserKey = "sk-audittest-user-6a1f3d58";
constexpr auto kLineDeadline = std::chrono::seconds(15);

std::map<std::string, std::string> admin_env(const std::string& config_home) {
  return {{"XDG_CONFIG_HOME", config_home}, {"SMG_TOKEN", kAdminKey}};
}

smg::test::GatewayFixtureOptions audited_gateway(const std::string& audit_file) {
  return smg::test::fixture_options(
      1,
      {"--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey,
       std::string("u1:User:user:") + kUserKey, "--audit-log-file", audit_file},
      {"audit-model"});
}

// A control-plane request whose audit event is recognisable by its path.
void touch(smg::test::GatewayFixture& fx, const std::string& marker, const char* key = kAdminKey) {
  auto client = fx.gateway().client();
  auto result = client.Get("/workers/" + marker, smg::test::bearer(key));
  REQUIRE(result);
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> events;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    events.push_back(json::parse(text.substr(start, end - start)));
  }
  return events;
}

}  // namespace

TEST_CASE("cli audit tail: historic events with filters in both forms",
          "[cli-remote][audit-tail]") {
  smg::test::TempDir dir;
  smg::test::GatewayFixture fx(audited_gateway(dir.file("audit.log")));
  touch(fx, "00000000-0000-4000-8000-00000000000a");
  touch(fx, "00000000-0000-4000-8000-00000000000b", kUserKey);  // denied

  auto all =
      smg::test::run_smgctl({"--server", fx.gateway().base_url(), "audit", "tail", "-o", "json"},
                            "", admin_env(dir.path()));
  REQUIRE(all.exit_code == 0);
  auto events = json_lines(all.out);
  REQUIRE(events.size() == 2);
  CHECK(events[0]["path"] == "/workers/00000000-0000-4000-8000-00000000000a");
  CHECK(events[0]["outcome"] == "success");
  CHECK(events[1]["outcome"] == "denied");

  auto denied = smg::test::run_smgctl({"--server", fx.gateway().base_url(), "audit", "tail",
                                       "--outcome", "denied", "--since", "5m"},
                                      "", admin_env(dir.path()));
  REQUIRE(denied.exit_code == 0);
  CHECK(smg::test::lines_containing(denied.out, "/workers/").size() == 1);
  CHECK(denied.out.find("denied           403  api_key:u1  GET "
                        "/workers/00000000-0000-4000-8000-00000000000b") != std::string::npos);

  auto by_principal = smg::test::run_smgctl({"--server", fx.gateway().base_url(), "audit", "tail",
                                             "--principal", "api_key:a1", "-o", "json"},
                                            "", admin_env(dir.path()));
  for (const json& event : json_lines(by_principal.out)) CHECK(event["principal"] == "api_key:a1");
  CHECK(json_lines(by_principal.out).size() >= 2);  // the two tails above were admin calls too

  auto from_file = smg::test::run_smgctl(
      {"audit", "tail", "--file", dir.file("audit.log"), "--outcome", "denied", "-o", "json"});
  REQUIRE(from_file.exit_code == 0);
  REQUIRE(json_lines(from_file.out).size() == 1);
  CHECK(json_lines(from_file.out)[0]["principal"] == "api_key:u1");
  CHECK(smg::test::run_smgctl({"audit", "tail", "--since", "soon"}).exit_code == 2);
}

TEST_CASE("cli audit tail: -f receives a new event as it happens", "[cli-remote][audit-tail]") {
  smg::test::TempDir dir;
  smg::test::GatewayFixture fx(audited_gateway(dir.file("audit.log")));
  smg::test::BackgroundProcess tail(
      {SMGCTL_PATH, "--server", fx.gateway().base_url(), "audit", "tail", "-f", "-o", "json"},
      admin_env(dir.path()));
  // The follower's own request is audited once its stream is open: then it is listening.
  REQUIRE(tail.wait_for_line("\"path\":\"/admin/audit\"", kLineDeadline));
  const std::string marker = "00000000-0000-4000-8000-0000000000f1";
  touch(fx, marker);
  auto line = tail.wait_for_line(marker, kLineDeadline);
  REQUIRE(line);
  CHECK(json::parse(*line)["outcome"] == "success");
}

TEST_CASE("cli audit tail: -f reconnects with Last-Event-ID after the stream drops",
          "[cli-remote][audit-tail]") {
  smg::test::LocalHttpServer sse;
  std::mutex mutex;
  std::vector<std::string> resume_ids;
  sse.http().Get("/admin/audit", [&](const httplib::Request& req, httplib::Response& res) {
    std::string last = req.get_header_value("Last-Event-ID");
    {
      std::lock_guard lock(mutex);
      resume_ids.push_back(last);
    }
    int next = last.empty() ? 1 : std::stoi(last) + 1;
    json event = {{"timestamp", "2026-11-23T11:19:10.000Z"},
                  {"outcome", "success"},
                  {"principal", "api_key:a1"},
                  {"path", "/event/" + std::to_string(next)},
                  {"method", "GET"},
                  {"status", 200}};
    // One event per connection, then the server hangs up: each reconnect must resume.
    res.set_content(
        ": keepalive\n\nid: " + std::to_string(next) + "\ndata: " + event.dump() + "\n\n",
        "text/event-stream");
  });
  sse.start();
  smg::test::TempDir dir;
  smg::test::BackgroundProcess tail(
      {SMGCTL_PATH, "--server", sse.url(""), "--token", "t", "audit", "tail", "-f", "-o", "json"},
      {{"XDG_CONFIG_HOME", dir.path()}});
  REQUIRE(tail.wait_for_line("/event/3", kLineDeadline));
  std::lock_guard lock(mutex);
  REQUIRE(resume_ids.size() >= 3);
  CHECK(resume_ids[0].empty());
  CHECK(resume_ids[1] == "1");
  CHECK(resume_ids[2] == "2");
  CHECK(smg::test::lines_containing(tail.out(), "/event/2").size() == 1);  // none twice
  CHECK(tail.err().find("reconnecting after event 1") != std::string::npos);
}

TEST_CASE("cli audit tail: --file -f follows a rotation", "[cli-remote][audit-tail]") {
  smg::test::TempDir dir;
  const std::string log = dir.file("audit.log");
  smg::test::GatewayFixture fx(audited_gateway(log));
  touch(fx, "00000000-0000-4000-8000-0000000000a1");
  smg::test::BackgroundProcess tail({SMGCTL_PATH, "audit", "tail", "-f", "--file", log});
  REQUIRE(tail.wait_for_line("00000000-0000-4000-8000-0000000000a1", kLineDeadline));

  REQUIRE(std::rename(log.c_str(), (log + ".1").c_str()) == 0);
  touch(fx, "00000000-0000-4000-8000-0000000000a2");  // still written to the renamed file
  REQUIRE(::kill(fx.gateway().process().pid(), SIGHUP) == 0);
  // The gateway reopens on SIGHUP in its own time: keep making events until one lands in the
  // new file.
  int attempt = 0;
  REQUIRE(smg::test::eventually(
      [&] {
        touch(fx, "00000000-0000-4000-8000-0000000001" + std::to_string(10 + ++attempt % 90));
        struct stat info {};
        return ::stat(log.c_str(), &info) == 0 && info.st_size > 0;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(100)));
  touch(fx, "00000000-0000-4000-8000-0000000000a4");
  CHECK(tail.wait_for_line("00000000-0000-4000-8000-0000000000a2", kLineDeadline));
  auto line = tail.wait_for_line("00000000-0000-4000-8000-0000000000a4", kLineDeadline);
  REQUIRE(line);
  CHECK(line->find("success") != std::string::npos);
}
