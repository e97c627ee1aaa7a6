// smgctl as a remote admin tool against a real `smgctl serve` and `smgctl dev-worker`s: every
// remote command in table and JSON form, the 401/403/404/409 exit codes, contexts and their
// precedence (flag > SMG_TOKEN > context), the config files' modes, and audit tail (historic,
// followed over SSE, reconnecting, and on a rotated local file).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/background_process.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using nlohmann::json;
using smg::test::ProcessResult;

namespace {

constexpr const char* kModel = "remote-model";
constexpr const char* kAdminKey = "sk-clitest-admin-5b1d93e7";
constexpr const char* kUserKey = "sk-clitest-user-0c4f7a28";
constexpr const char* kWorkerKey = "sk-clitest-worker-9e3b6d41";
constexpr const char* kUnknownId = "00000000-0000-4000-8000-000000000000";

smg::test::GatewayFixtureOptions gateway_options(std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "--control-plane-api-keys", std::string("a1:Admin:admin:") + kAdminKey,
      std::string("u1:User:user:") + kUserKey, "--health-check-interval-secs", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto options = smg::test::fixture_options(2, args, {kModel});
  options.workers_on_command_line = false;
  return options;
}

// Runs smgctl with its own config folder and no inherited SMG_TOKEN.
struct Cli {
  std::string config_home;
  std::map<std::string, std::string> env() const {
    return {{"XDG_CONFIG_HOME", config_home}, {"SMG_TOKEN", ""}};
  }
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = "",
                    std::map<std::string, std::string> extra = {}) const {
    auto environment = env();
    for (auto& [name, value] : extra) environment[name] = value;
    return smg::test::run_smgctl(args, input, environment);
  }
};

std::vector<std::string> as_admin(const std::string& server, std::vector<std::string> args) {
  args.insert(args.begin(), {"--server", server, "--token", kAdminKey});
  return args;
}

json json_of(const ProcessResult& result) { return json::parse(result.out, nullptr, false); }

bool is_uuid(const std::string& text) {
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  return std::regex_match(text, uuid);
}

}  // namespace

TEST_CASE("cli remote: workers add list get update remove in table and json", "[cli-remote]") {
  smg::test::GatewayFixture fx(gateway_options());
  smg::test::TempDir home;
  Cli cli{home.path()};
  const std::string server = fx.gateway().base_url();
  const std::string url = fx.worker(0).url();

  auto added = cli.run(as_admin(server, {"workers", "add", url, "--model-id", kModel, "--label",
                                         "team=a", "--wait", "--timeout", "30s", "-o", "json"}));
  REQUIRE(added.exit_code == 0);
  json worker = json_of(added);
  std::string id = worker["id"];
  CHECK(is_uuid(id));
  CHECK(worker["status"] == "ready");
  CHECK(worker["labels"]["team"] == "a");
  CHECK(added.err.empty());  // no progress chatter when stderr is not a terminal

  auto table = cli.run(as_admin(server, {"workers", "list"}));
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("ID", 0) == 0);
  CHECK(table.out.find("STATUS") != std::string::npos);
  CHECK(table.out.find(id + "  " + url) != std::string::npos);
  CHECK(table.out.find("team=a") != std::string::npos);

  auto listed = json_of(cli.run(as_admin(server, {"workers", "list", "-o", "json"})));
  REQUIRE(listed["workers"].size() == 1);
  CHECK(listed["workers"][0]["url"] == url);
  auto yaml = YAML::Load(cli.run(as_admin(server, {"workers", "list", "-o", "yaml"})).out);
  CHECK(yaml["workers"][0]["id"].as<std::string>() == id);
  CHECK(cli.run(as_admin(server, {"workers", "list", "-q"})).out == id + "\n");

  auto got = cli.run(as_admin(server, {"workers", "get", id}));
  CHECK(got.exit_code == 0);
  CHECK(got.out.find(id) != std::string::npos);
  CHECK(json_of(cli.run(as_admin(server, {"workers", "get", id, "-o", "json"})))["url"] == url);
  // A unique id prefix or the worker's URL names it too.
  CHECK(json_of(cli.run(as_admin(server, {"workers", "get", id.substr(0, 6), "-o", "json"})))["id"] ==
        id);
  CHECK(json_of(cli.run(as_admin(server, {"workers", "get", url, "-o", "json"})))["id"] == id);
  auto none = cli.run(as_admin(server, {"workers", "get", "http://nowhere:1"}));
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("no worker matches \"http://nowhere:1\"") != std::string::npos);

  auto updated = cli.run(as_admin(
      server, {"workers", "update", id, "--priority", "5", "--label", "tier=gold", "-o", "json"}));
  REQUIRE(updated.exit_code == 0);
  CHECK(json_of(updated)["priority"] == 5);
  CHECK(json_of(updated)["labels"] == json{{"team", "a"}, {"tier", "gold"}});

  SECTION("a second worker with a key from stdin, never echoed") {
    auto second =
        cli.run(as_admin(server, {"workers", "add", fx.worker(1).url(), "--api-key-stdin", "-q"}),
                std::string(kWorkerKey) + "\n");
    REQUIRE(second.exit_code == 0);
    CHECK(is_uuid(second.out.substr(0, second.out.size() - 1)));
    auto all = cli.run(as_admin(server, {"workers", "list", "-o", "json"}));
    CHECK(json_of(all)["workers"].size() == 2);
    for (const auto& output : {second.out, second.err, all.out}) {
      CHECK(output.find(kWorkerKey) == std::string::npos);
    }
    // The add table names its columns as workers list does.
    auto third = cli.run(as_admin(server, {"workers", "add", "http://127.0.0.1:9"}));
    REQUIRE(third.exit_code == 0);
    CHECK(third.out.rfind("ID", 0) == 0);
    CHECK(third.out.find("WORKER_ID") == std::string::npos);
  }
  SECTION("409 for a duplicate URL and 404 for an unknown id exit 1 with the server's message") {
    auto duplicate = cli.run(as_admin(server, {"workers", "add", url}));
    CHECK(duplicate.exit_code == 1);
    CHECK(duplicate.err == "smgctl: Worker with URL " + url + " already exists (HTTP 409)\n");
    auto unknown = cli.run(as_admin(server, {"workers", "get", kUnknownId}));
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err == std::string("smgctl: Worker ") + kUnknownId + " not found (HTTP 404)\n");
    auto unknown_json = cli.run(as_admin(server, {"workers", "remove", kUnknownId, "-o", "json"}));
    CHECK(unknown_json.exit_code == 1);
    CHECK(unknown_json.out.empty());
  }
  SECTION("remove drains and the list is empty") {
    auto removed = cli.run(as_admin(server, {"workers", "remove", id}));
    CHECK(removed.exit_code == 0);
    CHECK(removed.out.find("removed") != std::string::npos);
    CHECK(cli.run(as_admin(server, {"workers", "list", "-q"})).out.empty());
    auto empty_json = json_of(cli.run(as_admin(server, {"workers", "list", "-o", "json"})));
    CHECK(empty_json["workers"].empty());
  }
}

TEST_CASE("cli remote: loads, flush-cache and the tokenizer, wasm and parse groups",
          "[cli-remote]") {
  smg::test::GatewayFixture fx(gateway_options());
  smg::test::TempDir home;
  Cli cli{home.path()};
  const std::string server = fx.gateway().base_url();
  REQUIRE(cli.run(as_admin(server, {"workers", "add", fx.worker(0).url(), "--wait"})).exit_code ==
          0);

  auto loads = cli.run(as_admin(server, {"loads"}));
  CHECK(loads.exit_code == 0);
  const std::string worker_url = fx.worker(0).url();
  CHECK(loads.out ==
        "WORKER" + std::string(worker_url.size() - 4, ' ') + "LOAD\n" + worker_url + "  0\n");
  auto loads_json = json_of(cli.run(as_admin(server, {"loads", "-o", "json"})));
  CHECK(loads_json["workers"][0] == json{{"worker", fx.worker(0).url()}, {"load", 0}});

  auto flushed = cli.run(as_admin(server, {"flush-cache"}));
  CHECK(flushed.exit_code == 0);
  CHECK(flushed.out == "Flushed 1 of 1 workers\n");
  auto flushed_json = json_of(cli.run(as_admin(server, {"flush-cache", "-o", "json"})));
  CHECK(flushed_json["workers_flushed"] == 1);

  // The other groups reach the gateway's own routes; none answers 501 any more.
  struct Expect {
    std::vector<std::string> args;
    int exit_code;
    std::string needle;  // in stdout when it succeeds, in stderr when it fails
  };
  const std::vector<Expect> groups = {
      {{"tokenizers", "list"}, 0, ""},
      {{"tokenizers", "get", "t1"}, 1, "t1"},
      {{"tokenizers", "remove", "t1"}, 1, "t1"},
      {{"wasm", "list"}, 1, "--enable-wasm"},
      {{"wasm", "remove", "m1"}, 1, "--enable-wasm"},
      {{"parse", "reasoning", "--parser", "deepseek_r1", "--text", "<think>a</think>b"}, 0, "b"},
      {{"parse", "reasoning", "--parser", "nope", "--text", "x"},
       1,
       "Unknown reasoning parser: nope"},
  };
  for (const auto& expect : groups) {
    for (const char* format : {"table", "json"}) {
      auto args = expect.args;
      args.insert(args.end(), {"-o", format});
      auto result = cli.run(as_admin(server, args));
      INFO(expect.args[0] << " " << expect.args[1] << " -o " << format << ": " << result.out
                          << result.err);
      CHECK(result.exit_code == expect.exit_code);
      CHECK(result.err.find("HTTP 501") == std::string::npos);
      if (expect.exit_code == 0) {
        CHECK(result.err.empty());
        CHECK(result.out.find(expect.needle) != std::string::npos);
      } else {
        CHECK(result.out.empty());
        CHECK(result.err.find(expect.needle) != std::string::npos);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
      }
    }
  }
}

TEST_CASE("cli remote: 401 without or with a wrong token and 403 with a user key", "[cli-remote]") {
  smg::test::GatewayFixture fx(gateway_options());
  smg::test::TempDir home;
  Cli cli{home.path()};
  const std::string server = fx.gateway().base_url();
  for (const auto& command : std::vector<std::vector<std::string>>{{"workers", "list"},
                                                                   {"workers", "get", kUnknownId},
                                                                   {"loads"},
                                                                   {"flush-cache"},
                                                                   {"tokenizers", "list"},
                                                                   {"audit", "tail"}}) {
    INFO(command[0]);
    auto none = command;
    none.insert(none.begin(), {"--server", server});
    auto anonymous = cli.run(none);
    CHECK(anonymous.exit_code == 3);
    CHECK(anonymous.err.find("(HTTP 401)") != std::string::npos);
    CHECK(anonymous.err.find("no credential was sent") != std::string::npos);
    auto wrong = none;
    wrong.insert(wrong.end(), {"--token", "sk-not-a-real-key"});
    auto rejected = cli.run(wrong);
    CHECK(rejected.exit_code == 3);
    CHECK(rejected.err.find("sk-not-a-real-key") == std::string::npos);
    CHECK(rejected.err.find("the gateway refused the --token credential") != std::string::npos);
    auto user = none;
    user.insert(user.end(), {"--token", kUserKey});
    auto forbidden = cli.run(user);
    CHECK(forbidden.exit_code == 4);
    CHECK(forbidden.err.find("(HTTP 403)") != std::string::npos);
  }
  auto refused = cli.run({"--server", "http://127.0.0.1:1", "--token", kAdminKey, "loads"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err ==
        "smgctl: nothing is listening at http://127.0.0.1:1 (is smgctl serve running? check "
        "--server)\n");
}
