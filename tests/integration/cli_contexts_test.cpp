// smgctl contexts against a real gateway: `context set --token-stdin` stores the key in a 0600
// credentials.yaml inside a 0700 folder, remote commands use the current context, and the
// precedence is --token > SMG_TOKEN > context; unsafe files are refused.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/background_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using nlohmann::json;
using smg::test::ProcessResult;

namespace {

constexpr const char* kAdminKey = "sk-ctxtest-admin-81f2c6a9";
constexpr const char* kUserKey = "sk-ctxtest-user-37d0e4b5";

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("cli contexts: set use list and precedence against a gateway", "[cli-remote][contexts]") {
  auto options = smg::test::fixture_options(
      1,
      {"--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey,
       std::string("u1:User:user:") + kUserKey},
      {"ctx-model"});
  smg::test::GatewayFixture fx(options);
  smg::test::TempDir home;
  const std::string dir = home.path() + "/smgctl";
  auto run = [&](const std::vector<std::string>& args, const std::string& input = "",
                 const std::string& env_token = "") {
    return smg::test::run_smgctl(args, input,
                                 {{"XDG_CONFIG_HOME", home.path()}, {"SMG_TOKEN", env_token}});
  };
  const std::string server = fx.gateway().base_url();

  auto set = run({"context", "set", "prod", "--server", server, "--token-stdin"},
                 std::string(kAdminKey) + "\n");
  REQUIRE(set.exit_code == 0);
  CHECK(set.out == "context \"prod\" saved (current)\n");
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(dir + "/config.yaml") == 0600);
  CHECK(mode_of(dir + "/credentials.yaml") == 0600);
  CHECK(smg::test::read_file(dir + "/config.yaml").find(kAdminKey) == std::string::npos);
  CHECK(set.out.find(kAdminKey) == std::string::npos);
  REQUIRE(run({"context", "set", "down", "--server", "http://127.0.0.1:1"}).exit_code == 0);

  // An unknown context is a usage error however it is named: `context use` and --context alike.
  auto use_unknown = run({"context", "use", "nosuch"});
  CHECK(use_unknown.exit_code == 2);
  CHECK(use_unknown.err.find("no context named \"nosuch\"") != std::string::npos);
  CHECK(run({"--context", "nosuch", "workers", "list"}).exit_code == 2);
  // A refused stored key names its context and the command that replaces it.
  REQUIRE(run({"context", "set", "stale", "--server", server, "--token-stdin"},
              "sk-stale-not-a-key\n")
              .exit_code == 0);
  auto stale = run({"--context", "stale", "workers", "list"});
  CHECK(stale.exit_code == 3);
  CHECK(stale.err.find("the gateway refused the key stored in context \"stale\"; replace it: "
                       "smgctl context set stale --token-stdin") != std::string::npos);
  CHECK(stale.err.find("sk-stale-not-a-key") == std::string::npos);
  REQUIRE(run({"context", "use", "prod"}).exit_code == 0);
  REQUIRE(run({"context", "delete", "stale"}).exit_code == 0);

  auto listed = run({"context", "list"});
  CHECK(listed.out.find("*        prod  " + server + "  api_key") != std::string::npos);
  CHECK(listed.out.find("down") != std::string::npos);
  auto listed_json = json::parse(run({"context", "list", "-o", "json"}).out);
  CHECK(listed_json["current_context"] == "prod");
  CHECK(listed_json["contexts"][0]["credential"] == "api_key");
  CHECK(listed_json["contexts"][1]["credential"] == "none");
  CHECK(listed_json.dump().find(kAdminKey) == std::string::npos);
  CHECK(run({"context", "current"}).out == "prod\n");

  SECTION("the current context alone reaches the gateway as admin") {
    CHECK(run({"workers", "list", "-q"}).exit_code == 0);
  }
  SECTION("SMG_TOKEN beats the context") {
    CHECK(run({"workers", "list"}, "", kUserKey).exit_code == 4);
  }
  SECTION("--token beats SMG_TOKEN") {
    CHECK(run({"--token", "sk-wrong", "workers", "list"}, "", kAdminKey).exit_code == 3);
    CHECK(run({"--token", kAdminKey, "workers", "list"}, "", kUserKey).exit_code == 0);
  }
  SECTION("--context and context use switch gateways") {
    auto down = run({"--context", "down", "loads"});
    CHECK(down.exit_code == 1);
    CHECK(down.err.find("http://127.0.0.1:1") != std::string::npos);
    REQUIRE(run({"context", "use", "down"}).exit_code == 0);
    CHECK(run({"context", "current"}).out == "down\n");
    CHECK(run({"loads"}).exit_code == 1);
    CHECK(run({"--context", "prod", "loads"}).exit_code == 0);
    CHECK(run({"--context", "nope", "loads"}).exit_code == 2);
  }
  SECTION("--server elsewhere does not get the context's key") {
    // The same gateway under another name is, as far as smgctl can tell, another server.
    std::string elsewhere = "http://localhost:" + std::to_string(fx.gateway().port());
    CHECK(run({"--server", elsewhere, "workers", "list"}).exit_code == 3);
  }
  SECTION("delete removes the context and its credential") {
    REQUIRE(run({"context", "delete", "prod"}).exit_code == 0);
    CHECK(smg::test::read_file(dir + "/credentials.yaml").find(kAdminKey) == std::string::npos);
    CHECK(run({"context", "current"}).exit_code == 1);
    CHECK(run({"context", "delete", "prod"}).exit_code == 2);  // an unknown name: usage
    CHECK(run({"workers", "list"}).exit_code == 2);  // no gateway to talk to
  }
  SECTION("a credentials file others can read is refused") {
    REQUIRE(::chmod((dir + "/credentials.yaml").c_str(), 0644) == 0);
    auto refused = run({"workers", "list"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err == "smgctl: " + dir + "/credentials.yaml is accessible by other users " +
                             "(mode 0644); run `chmod 600 " + dir + "/credentials.yaml`\n");
    CHECK(run({"context", "list"}).exit_code == 2);
  }
}

TEST_CASE("cli contexts: TLS trust from --cacert --insecure or the context",
          "[cli-remote][contexts]") {
  smg::test::TempDir dir;
  auto made = smg::test::run_process(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout",
       dir.file("key.pem"), "-out", dir.file("cert.pem")});
  REQUIRE(made.exit_code == 0);
  smg::test::BackgroundProcess gateway(
      {SMGCTL_PATH, "serve", "--port", "0", "--control-plane-api-keys",
       std::string("a1:Admin:admin:") + kAdminKey, "--tls-cert-path", dir.file("cert.pem"),
       "--tls-key-path", dir.file("key.pem")});
  auto line = gateway.wait_for_line("smg listening on https://", std::chrono::seconds(15));
  REQUIRE(line);
  const std::string server = "https://127.0.0.1:" + std::to_string(smg::test::trailing_port(*line));
  const std::map<std::string, std::string> env = {{"XDG_CONFIG_HOME", dir.path()},
                                                  {"SMG_TOKEN", kAdminKey}};
  auto run = [&](const std::vector<std::string>& args, const std::string& input = "") {
    return smg::test::run_smgctl(args, input, env);
  };

  auto untrusted = run({"--server", server, "loads"});
  CHECK(untrusted.exit_code == 1);
  CHECK(untrusted.err == "smgctl: the TLS certificate of " + server +
                           " is not trusted (pass --cacert FILE with its CA, or --insecure for a "
                           "test gateway)\n");
  CHECK(run({"--server", server, "--cacert", dir.file("cert.pem"), "loads"}).exit_code == 0);
  CHECK(run({"--server", server, "--insecure", "loads"}).exit_code == 0);

  REQUIRE(run({"context", "set", "tls", "--server", server, "--cacert", dir.file("cert.pem")})
              .exit_code == 0);
  CHECK(run({"--context", "tls", "loads", "-o", "json"}).exit_code == 0);
}
