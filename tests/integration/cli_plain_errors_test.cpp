// smgctl's messages when something is wrong, as a user sees them (issue 17): the config example
// and config errors by file:line and key, --request-timeout against a gateway that accepts and
// never answers (and a stream it must not cut), plain causes for refused connections, a gateway
// that hangs up mid-answer, TLS to a plain port and an unresolvable host, colour only where it
// helps, and why a worker is not ready (last_error).
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/background_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"
#include "tests/support/tmux_session.h"

using nlohmann::json;
using smg::test::ProcessResult;

namespace {

constexpr const char* kAdminKey = "sk-plainerr-admin-4c7e1a93";
constexpr auto kLineDeadline = std::chrono::seconds(15);

ProcessResult smgctl(const smg::test::TempDir& home, const std::vector<std::string>& args,
                     std::map<std::string, std::string> env = {}) {
  env["XDG_CONFIG_HOME"] = home.path();
  env["SMG_TOKEN"] = "";
  return smg::test::run_smgctl(args, "", env);
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A TCP listener that accepts connections (the kernel does, from its backlog) and never says a
// word: a gateway that hangs.
struct SilentListener {
  int port = 0;
  int fd = smg::test::bind_loopback(port, 16);
  ~SilentListener() {
    if (fd >= 0) ::close(fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Answers each connection with `answer`, then closes it.
struct OneShotServer {
  explicit OneShotServer(std::string answer) : answer_(std::move(answer)) {
    fd = smg::test::bind_loopback(port, 16);
    thread = std::thread([this] {
      while (!stopping) {
        int client = ::accept(fd, nullptr, nullptr);
        if (client < 0) return;
        char buffer[4096];
        (void)::recv(client, buffer, sizeof buffer, 0);  // the request head, unread
        (void)::send(client, answer_.data(), answer_.size(), MSG_NOSIGNAL);
        ::close(client);
      }
    });
  }
  ~OneShotServer() {
    stopping = true;
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  int port = 0;
  int fd = -1;
  std::atomic<bool> stopping{false};
  std::string answer_;
  std::thread thread;
};

// A port nobody listens on: bound, then closed.
int dead_port() {
  int port = 0;
  int fd = smg::test::bind_loopback(port, 0);
  ::close(fd);
  return port;
}

}  // namespace

TEST_CASE("cli plain errors: config example prints every key and validates", "[cli-plain]") {
  smg::test::TempDir home;
  ProcessResult example = smgctl(home, {"config", "example"});
  REQUIRE(example.exit_code == 0);
  CHECK(example.out.find("  workers:") != std::string::npos);
  CHECK(example.out.find("    policy: round_robin") != std::string::npos);
  CHECK(example.out.find("# token_env: APP1_TOKEN") != std::string::npos);
  std::string path = home.file("smg.yaml");
  smg::test::write_file(path, example.out);
  ProcessResult valid = smgctl(home, {"config", "validate", path});
  INFO(valid.err);
  CHECK(valid.exit_code == 0);
  CHECK(valid.out.find(path + ": valid") == 0);
  ProcessResult help = smgctl(home, {"config", "example", "--help"});
  CHECK(help.out.find("smgctl config example > smg.yaml") != std::string::npos);
}

TEST_CASE("cli plain errors: config errors name file line and the key meant", "[cli-plain]") {
  smg::test::TempDir home;
  std::string wrong_level = home.file("level.yaml");
  smg::test::write_file(wrong_level, "server:\n  port: 0\n  policy: cache_aware\n");
  ProcessResult level = smgctl(home, {"config", "validate", wrong_level});
  CHECK(level.exit_code == 2);
  CHECK(level.err.rfind("smgctl: " + wrong_level +
                            ":3: server.policy: unknown key; did you mean "
                            "\"server.workers.policy\"",
                        0) == 0);
  CHECK(lines(level.err) == 1);

  std::string bad_value = home.file("value.yaml");
  smg::test::write_file(bad_value, "server:\n  port: 0\n  workers:\n    policy: fastest\n");
  ProcessResult value = smgctl(home, {"config", "validate", bad_value});
  CHECK(value.exit_code == 2);
  CHECK(value.err == "smgctl: " + bad_value +
                         ":4: server.workers.policy: must be one of random, round_robin, "
                         "power_of_two, cache_aware\n");
  // The same through serve --config, which reads the file before any flag.
  ProcessResult serve = smgctl(home, {"serve", "--config", bad_value});
  CHECK(serve.exit_code == 2);
  CHECK(serve.err.find(bad_value + ":4: server.workers.policy: must be one of") !=
        std::string::npos);
  CHECK(serve.err.find("--policy") == std::string::npos);
}

TEST_CASE("cli plain errors: --request-timeout ends the wait for a silent gateway", "[cli-plain]") {
  smg::test::TempDir home;
  SilentListener silent;
  REQUIRE(silent.fd >= 0);
  auto start = std::chrono::steady_clock::now();
  ProcessResult listed =
      smgctl(home, {"--server", silent.url(), "--request-timeout", "1", "workers", "list"});
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(listed.exit_code == 1);
  CHECK(listed.err == "smgctl: no answer from " + silent.url() +
                          " within 1s (--request-timeout; raise it for a slow gateway, e.g. "
                          "--request-timeout 2m)\n");
  CHECK(took < std::chrono::seconds(8));
  CHECK(listed.err.find("waiting for") == std::string::npos);  // stderr is not a terminal

  // A stream waits as long for its answer to start (then it is never cut: next case).
  start = std::chrono::steady_clock::now();
  ProcessResult followed =
      smgctl(home, {"--server", silent.url(), "--request-timeout", "1s", "audit", "tail", "-f"});
  CHECK(followed.exit_code == 1);
  CHECK(followed.err.find("no answer from " + silent.url() + " within 1s") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(8));

  ProcessResult bad = smgctl(home, {"--request-timeout", "soon", "workers", "list"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("cli plain errors: on a terminal a slow answer says waiting for URL", "[cli-plain]") {
  smg::test::TempDir home;
  SilentListener silent;
  REQUIRE(silent.fd >= 0);
  smg::test::TmuxSession tmux(
      {SMGCTL_PATH, "--server", silent.url(), "--request-timeout", "5s", "workers", "list"},
      {{"XDG_CONFIG_HOME", home.path()}, {"SMG_TOKEN", ""}});
  REQUIRE(tmux.wait_for_text("waiting for " + silent.url() + "…", std::chrono::seconds(4)));
  REQUIRE(tmux.wait_for_exit(std::chrono::seconds(10)));
  CHECK(tmux.exit_status() == 1);
  CHECK(tmux.screen().find("no answer from " + silent.url() + " within 5s") != std::string::npos);
}

TEST_CASE("cli plain errors: a followed audit stream outlives --request-timeout", "[cli-plain]") {
  smg::test::TempDir dir;
  smg::test::GatewayFixture fx(smg::test::fixture_options(
      1, {"--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey},
      {"plain-model"}));
  smg::test::BackgroundProcess tail({SMGCTL_PATH, "--server", fx.gateway().base_url(),
                                     "--request-timeout", "1", "audit", "tail", "-f", "-o", "json"},
                                    {{"XDG_CONFIG_HOME", dir.path()}, {"SMG_TOKEN", kAdminKey}});
  REQUIRE(tail.wait_for_line("\"path\":\"/admin/audit\"", kLineDeadline));
  // Three request timeouts later the stream is still open and still delivers.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const std::string marker = "00000000-0000-4000-8000-0000000000e7";
  auto client = fx.gateway().client();
  REQUIRE(client.Get("/workers/" + marker, smg::test::bearer(kAdminKey)));
  REQUIRE(tail.wait_for_line(marker, kLineDeadline));
  CHECK(tail.err().find("reconnecting") == std::string::npos);
}

TEST_CASE("cli plain errors: transport failures in plain words", "[cli-plain]") {
  smg::test::TempDir home;
  SECTION("connection refused") {
    std::string url = "http://127.0.0.1:" + std::to_string(dead_port());
    ProcessResult result = smgctl(home, {"--server", url, "workers", "list"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "smgctl: nothing is listening at " + url +
                            " (is smgctl serve running? check --server)\n");
  }
  SECTION("the gateway closes the connection mid-answer") {
    OneShotServer server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
        "{\"workers\":[");
    ProcessResult result = smgctl(home, {"--server", server.url(), "workers", "list"});
    CHECK(result.exit_code == 1);
    CHECK(result.err == "smgctl: the gateway at " + server.url() +
                            " closed the connection before the answer was complete\n");
    CHECK(result.err.find("partial") == std::string::npos);
  }
  SECTION("https to a plain HTTP port") {
    OneShotServer server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    std::string url = "https://127.0.0.1:" + std::to_string(server.port);
    ProcessResult result = smgctl(home, {"--server", url, "workers", "list"});
    CHECK(result.exit_code == 1);
    CHECK(result.err ==
          "smgctl: the TLS handshake with " + url + " failed (does it serve https? try http://)\n");
  }
  SECTION("a host name that does not resolve") {
    ProcessResult result = smgctl(home, {"--server", "http://smg-gateway.invalid:30000",
                                         "--request-timeout", "5s", "workers", "list"});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("smgctl: cannot find the host of http://smg-gateway.invalid:30000") == 0);
  }
}

TEST_CASE("cli plain errors: colour only when asked or on a terminal", "[cli-plain]") {
  smg::test::TempDir home;
  std::string audit = home.file("audit.log");
  smg::test::write_file(
      audit,
      R"({"timestamp":"2026-11-23T11:19:10.000Z","outcome":"denied","status":403,"principal":"api_key:u1","method":"DELETE","path":"/workers/x"})"
      "\n"
      R"({"timestamp":"2026-11-23T11:19:11.000Z","outcome":"success","status":200,"principal":"api_key:a1","method":"GET","path":"/workers"})"
      "\n");
  ProcessResult piped = smgctl(home, {"audit", "tail", "--file", audit});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out.find('\x1b') == std::string::npos);
  CHECK(piped.out.find("denied           403") != std::string::npos);
  ProcessResult always = smgctl(home, {"--color", "always", "audit", "tail", "--file", audit});
  CHECK(always.out.find("\x1b[31mdenied\x1b[0m           403") != std::string::npos);
  CHECK(always.out.find("\x1b[32msuccess\x1b[0m") != std::string::npos);
  ProcessResult never = smgctl(home, {"--color", "never", "audit", "tail", "--file", audit});
  CHECK(never.out == piped.out);

  // On a terminal: coloured by default, plain with NO_COLOR or TERM=dumb.
  // -f keeps it running (a command that ends at once can close its pane before it is read).
  // tmux sets the pane's TERM itself, so `env` sets it for smgctl.
  auto screen_of = [&](const std::string& term, std::map<std::string, std::string> env) {
    env["XDG_CONFIG_HOME"] = home.path();
    smg::test::TmuxSession tmux(
        {"env", "TERM=" + term, SMGCTL_PATH, "audit", "tail", "-f", "--file", audit}, env);
    REQUIRE(tmux.wait_for_text("api_key:a1"));
    return tmux.screen_with_colors();
  };
  std::string tty = screen_of("xterm", {});
  CHECK(tty.find("\x1b[31m") != std::string::npos);
  std::string no_color = screen_of("xterm", {{"NO_COLOR", "1"}});
  CHECK(no_color.find("denied") != std::string::npos);
  CHECK(no_color.find("\x1b[31m") == std::string::npos);
  std::string dumb = screen_of("dumb", {});
  CHECK(dumb.find("\x1b[31m") == std::string::npos);
}

TEST_CASE("cli plain errors: a worker nobody listens on says why it is not ready", "[cli-plain]") {
  smg::test::TempDir home;
  auto options = smg::test::fixture_options(
      1,
      {"--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey,
       "--health-check-interval-secs", "1", "--health-failure-threshold", "100"},
      {"plain-model"});
  options.workers_on_command_line = false;  // pending, not failed, however long the checks take
  smg::test::GatewayFixture fx(options);
  std::string server = fx.gateway().base_url();
  std::string dead = "http://127.0.0.1:" + std::to_string(dead_port());
  ProcessResult added = smgctl(home, {"--server", server, "--token", kAdminKey, "workers", "add",
                                      dead, "--wait", "--timeout", "2s"});
  CHECK(added.exit_code == 1);
  INFO(added.err);
  CHECK(added.err.find(" is still pending after 2s: last health check: connection refused\n") !=
        std::string::npos);
  CHECK(added.err.find("smgctl: worker ") == 0);

  ProcessResult got =
      smgctl(home, {"--server", server, "--token", kAdminKey, "workers", "get", dead});
  CHECK(got.exit_code == 0);
  CHECK(got.out.find("last health check: connection refused") != std::string::npos);
  ProcessResult as_json = smgctl(
      home, {"--server", server, "--token", kAdminKey, "workers", "get", dead, "-o", "json"});
  json worker = json::parse(as_json.out, nullptr, false);
  CHECK(worker["last_error"] == "connection refused");
  // A healthy worker has none.
  ProcessResult healthy =
      smgctl(home, {"--server", server, "--token", kAdminKey, "workers", "add", fx.worker(0).url(),
                    "--wait", "--timeout", "20s", "-o", "json"});
  REQUIRE(healthy.exit_code == 0);
  CHECK(json::parse(healthy.out)["last_error"].is_null());
}
