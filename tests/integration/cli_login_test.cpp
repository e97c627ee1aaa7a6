// `smgctl login` / `logout` against a real OpenID provider (npm oidc-provider,
// tests/peers/oidc-cli-provider.mjs) and a real `smgctl serve` that trusts it as JWT issuer:
// the device flow approved by the test through the provider's user-code pages, Authorization
// Code + PKCE with the test playing the browser against the loopback listener, the stored session
// managing workers, refresh when the access token is about to expire, revocation at logout, and
// exit 3 with "log in again" once the session is revoked or the gateway refuses it.
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/http/form.h"
#include "tests/support/background_process.h"
#include "tests/support/eventually.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

using nlohmann::json;
using smg::test::BackgroundProcess;
using smg::test::ProcessResult;

namespace {

constexpr const char* kClientId = "smgctl-cli";
constexpr auto kLoginDeadline = std::chrono::seconds(60);

struct Provider {
  std::unique_ptr<BackgroundProcess> process;
  std::string issuer;
  int port = 0;
};

Provider start_provider(int access_token_ttl = 3600) {
  Provider op;
  op.process = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"node", smg::test::peers_dir() + "/oidc-cli-provider.mjs"},
      std::map<std::string, std::string>{{"PORT", "0"},
                                         {"TTL_AT", std::to_string(access_token_ttl)}});
  auto line = op.process->wait_for_line("\"issuer\"", std::chrono::seconds(30));
  INFO(op.process->err());
  REQUIRE(line);
  json info = json::parse(*line);
  op.issuer = info["issuer"];
  op.port = info["port"];
  return op;
}

std::unique_ptr<smg::test::GatewayProcess> start_gateway(const Provider& op,
                                                         const std::string& audience = "smg") {
  return std::make_unique<smg::test::GatewayProcess>(
      std::vector<std::string>{"--jwt-issuer", op.issuer, "--jwt-audience", audience});
}

// smgctl with its own config folder, no inherited token and no graphical session.
struct Cli {
  std::string config_home;
  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> environment{{"XDG_CONFIG_HOME", config_home},
                                                   {"SMG_TOKEN", ""},
                                                   {"DISPLAY", ""},
                                                   {"WAYLAND_DISPLAY", ""}};
    for (auto& [name, value] : extra) environment[name] = value;
    return environment;
  }
  ProcessResult run(const std::vector<std::string>& args) const {
    return smg::test::run_smgctl(args, "", env());
  }
  std::unique_ptr<BackgroundProcess> start(const std::vector<std::string>& args,
                                           std::map<std::string, std::string> extra = {}) const {
    std::vector<std::string> argv{SMGCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<BackgroundProcess>(argv, env(std::move(extra)));
  }
  // The context's stored OIDC tokens; an undefined node when there are none.
  YAML::Node oidc(const std::string& context = "default") const {
    std::ifstream file(config_home + "/smgctl/credentials.yaml");
    if (!file) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node root = YAML::Load(file);
    const YAML::Node credentials = root["credentials"];
    if (!credentials.IsMap() || !credentials[context].IsDefined() ||
        !credentials[context].IsMap()) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return credentials[context]["oidc"];
  }
};

std::vector<std::string> login_args(const Provider& op, const std::string& server,
                                    const std::string& mode) {
  return {"--server", server, "login", "--issuer", op.issuer, "--client-id", kClientId, mode};
}

// What a person's browser does at the provider: keeps cookies, follows redirects, fills in the
// login form. Stops at a redirect that leaves the provider (returned) or a final JSON page.
class Browser {
 public:
  explicit Browser(int op_port)
      : client_("127.0.0.1", op_port), origin_("http://127.0.0.1:" + std::to_string(op_port)) {}

  httplib::Result get(const std::string& path) {
    return keep(client_.Get(path.c_str(), cookies()));
  }
  httplib::Result post(const std::string& path,
                       const std::vector<std::pair<std::string, std::string>>& form) {
    return keep(client_.Post(path.c_str(), cookies(), smg::http::form_encode(form),
                             "application/x-www-form-urlencoded"));
  }

  // Follows `next` (a path or a URL on the provider) as `user`; returns the first Location that
  // leaves the provider, or "" when a page ends the journey (its JSON in `last_page`).
  std::string follow(std::string next, const std::string& user) {
    for (int step = 0; step < 20; ++step) {
      if (next.rfind(origin_ + "/", 0) == 0) next = next.substr(origin_.size());
      if (next.rfind("/", 0) != 0) return next;
      auto result = get(next);
      REQUIRE(result);
      if (result->status / 100 == 3) {
        next = result->get_header_value("Location");
        continue;
      }
      INFO(result->body);
      REQUIRE(result->status == 200);
      last_page = json::parse(result->body);
      if (last_page.value("prompt", "") != "login") return "";
      auto posted = post("/interaction/" + last_page["uid"].get<std::string>() + "/login",
                         {{"login", user}, {"password", user + "-pw"}});
      REQUIRE(posted);
      REQUIRE(posted->status / 100 == 3);
      next = posted->get_header_value("Location");
    }
    FAIL("the provider never finished the login");
    return "";
  }

  json last_page;

 private:
  httplib::Headers cookies() const {
    std::string header;
    for (const auto& [name, value] : jar_) header += name + "=" + value + "; ";
    return {{"Cookie", header}};
  }
  httplib::Result keep(httplib::Result result) {
    if (!result) return result;
    auto [begin, end] = result->headers.equal_range("Set-Cookie");
    for (auto it = begin; it != end; ++it) {
      std::string pair = it->second.substr(0, it->second.find(';'));
      std::string name = pair.substr(0, pair.find('='));
      std::string value = pair.substr(pair.find('=') + 1);
      if (value.empty()) {
        jar_.erase(name);
      } else {
        jar_[name] = value;
      }
    }
    return result;
  }

  httplib::Client client_;
  std::string origin_;
  std::map<std::string, std::string> jar_;
};

// The first match of `pattern`'s group 1 in what `process` wrote to stderr, waiting for it.
std::string wait_for_stderr(BackgroundProcess& process, const std::string& pattern) {
  std::regex expression(pattern);
  std::smatch match;
  std::string err;
  bool found = smg::test::eventually(
      [&] {
        err = process.err();
        return std::regex_search(err, match, expression);
      },
      std::chrono::seconds(30));
  INFO(err);
  REQUIRE(found);
  return match[1];
}

int wait_for_exit(BackgroundProcess& process) {
  REQUIRE(smg::test::eventually([&] { return !process.running(); }, kLoginDeadline));
  int code = process.stop();
  process.wait_for_output_closed();
  return code;
}

// The user's side of RFC 8628 §3.3: enter the code, confirm (or abort), log in.
void approve_device(int op_port, const std::string& user_code, bool deny = false) {
  Browser browser(op_port);
  auto input = browser.get("/device");
  REQUIRE(input);
  std::string xsrf = json::parse(input->body)["xsrf"];
  auto confirm = browser.post("/device", {{"xsrf", xsrf}, {"user_code", user_code}});
  REQUIRE(confirm);
  INFO(confirm->body);
  REQUIRE(json::parse(confirm->body)["step"] == "confirm");
  auto decided = browser.post(
      "/device", {{"xsrf", xsrf}, {"user_code", user_code}, {deny ? "abort" : "confirm", "yes"}});
  REQUIRE(decided);
  if (deny) return;
  REQUIRE(decided->status / 100 == 3);
  CHECK(browser.follow(decided->get_header_value("Location"), "alice").empty());
  CHECK(browser.last_page["step"] == "success");
}

// Plays the browser for a --pkce login: from the printed authorization URL to the loopback
// callback; returns the callback's answer.
httplib::Result complete_pkce(int op_port, const std::string& authorize_url) {
  Browser browser(op_port);
  std::string callback = browser.follow(authorize_url, "alice");
  REQUIRE(callback.rfind("http://127.0.0.1:", 0) == 0);
  std::string rest = callback.substr(std::string("http://127.0.0.1:").size());
  int port = std::stoi(rest.substr(0, rest.find('/')));
  httplib::Client loopback("127.0.0.1", port);
  return loopback.Get(rest.substr(rest.find('/')).c_str());
}

// `smgctl login --pkce --no-browser`, completed by the test; returns smgctl's result.
ProcessResult pkce_login(const Cli& cli, const Provider& op, const std::string& server) {
  auto args = login_args(op, server, "--pkce");
  args.push_back("--no-browser");
  auto login = cli.start(args);
  std::string url = wait_for_stderr(*login, "\\s(http://127\\.0\\.0\\.1:\\d+/auth\\?\\S+)");
  auto page = complete_pkce(op.port, url);
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("You can close this tab") != std::string::npos);
  ProcessResult result;
  result.exit_code = wait_for_exit(*login);
  result.out = login->out();
  result.err = login->err();
  return result;
}

int mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return static_cast<int>(info.st_mode & 0777);
}

json refresh_at_provider(const Provider& op, const std::string& refresh_token) {
  httplib::Client client("127.0.0.1", op.port);
  auto result = client.Post("/token",
                            smg::http::form_encode({{"grant_type", "refresh_token"},
                                                    {"refresh_token", refresh_token},
                                                    {"client_id", kClientId}}),
                            "application/x-www-form-urlencoded");
  REQUIRE(result);
  return json::parse(result->body);
}

}  // namespace

TEST_CASE("cli login: device flow approved at the provider then workers list and logout",
          "[login]") {
  Provider op = start_provider();
  auto gateway = start_gateway(op);
  smg::test::TempDir home;
  Cli cli{home.path()};
  auto login = cli.start(login_args(op, gateway->base_url(), "--device"));
  std::string user_code = wait_for_stderr(*login, "enter the code: (\\S+)");
  CHECK(login->err().find(op.issuer + "/device?user_code=") != std::string::npos);
  approve_device(op.port, user_code);
  INFO(login->err());
  REQUIRE(wait_for_exit(*login) == 0);
  CHECK(login->out().find("Logged in as alice") != std::string::npos);

  YAML::Node stored = cli.oidc();
  std::string access_token = stored["access_token"].as<std::string>();
  std::string refresh_token = stored["refresh_token"].as<std::string>();
  CHECK(stored["issuer"].as<std::string>() == op.issuer);
  CHECK_FALSE(refresh_token.empty());
  CHECK(mode_of(home.path() + "/smgctl/credentials.yaml") == 0600);
  CHECK(login->out().find(access_token) == std::string::npos);
  CHECK(login->err().find(access_token) == std::string::npos);

  auto direct = gateway->client().Get("/workers", smg::test::bearer(access_token));
  REQUIRE(direct);
  CHECK(direct->status == 200);
  auto listed = cli.run({"workers", "list", "-o", "json"});
  INFO(listed.err);
  CHECK(listed.exit_code == 0);
  CHECK(json::parse(listed.out, nullptr, false).contains("workers"));

  auto logout = cli.run({"logout"});
  INFO(logout.err);
  CHECK(logout.exit_code == 0);
  CHECK_FALSE(cli.oidc().IsDefined());
  CHECK(refresh_at_provider(op, refresh_token)["error"] == "invalid_grant");
  auto after = cli.run({"workers", "list"});
  CHECK(after.exit_code == 3);
}

TEST_CASE("cli login: a denied device login exits 4 and stores nothing", "[login]") {
  Provider op = start_provider();
  smg::test::TempDir home;
  Cli cli{home.path()};
  auto login = cli.start(login_args(op, "http://127.0.0.1:9", "--device"));
  std::string user_code = wait_for_stderr(*login, "enter the code: (\\S+)");
  approve_device(op.port, user_code, /*deny=*/true);
  CHECK(wait_for_exit(*login) == 4);
  CHECK(login->err().find("login failed: the login was denied") != std::string::npos);
  CHECK_FALSE(cli.oidc().IsDefined());
}

TEST_CASE("cli login: pkce with the test playing the browser", "[login]") {
  Provider op = start_provider();
  auto gateway = start_gateway(op);
  smg::test::TempDir home;
  Cli cli{home.path()};
  ProcessResult login = pkce_login(cli, op, gateway->base_url());
  INFO(login.err);
  REQUIRE(login.exit_code == 0);
  CHECK(login.out.find("Logged in as alice") != std::string::npos);
  CHECK_FALSE(cli.oidc()["id_token"].as<std::string>().empty());
  auto listed = cli.run({"workers", "list", "-o", "json"});
  INFO(listed.err);
  CHECK(listed.exit_code == 0);
}

TEST_CASE("cli login: pkce refuses a redirect with another state", "[login][attack]") {
  Provider op = start_provider();
  smg::test::TempDir home;
  Cli cli{home.path()};
  auto args = login_args(op, "http://127.0.0.1:9", "--pkce");
  args.push_back("--no-browser");
  auto login = cli.start(args);
  std::string port = wait_for_stderr(*login, "redirect to http://127\\.0\\.0\\.1:(\\d+)/callback");
  httplib::Client loopback("127.0.0.1", std::stoi(port));
  auto forged = loopback.Get("/callback?code=attacker-code&state=forged");
  REQUIRE(forged);
  CHECK(forged->status == 400);
  CHECK(wait_for_exit(*login) == 1);
  CHECK(login->err().find("did not carry this login's state") != std::string::npos);
  CHECK_FALSE(cli.oidc().IsDefined());
}

TEST_CASE("cli login: pkce opens the browser with xdg-open when a display exists", "[login]") {
  Provider op = start_provider();
  smg::test::TempDir home;
  smg::test::TempDir bin;
  // A stand-in browser launcher: records the URL it was asked to open.
  smg::test::write_file(bin.file("xdg-open"), "#!/bin/sh\nprintf '%s' \"$1\" > \"$0.url\"\n");
  REQUIRE(::chmod(bin.file("xdg-open").c_str(), 0755) == 0);
  Cli cli{home.path()};
  auto login = cli.start(
      login_args(op, "http://127.0.0.1:9", "--pkce"),
      {{"DISPLAY", ":99"}, {"PATH", bin.path() + ":" + std::string(std::getenv("PATH"))}});
  std::string url;
  REQUIRE(smg::test::eventually(
      [&] {
        std::ifstream file(bin.file("xdg-open.url"));
        return static_cast<bool>(std::getline(file, url)) && !url.empty();
      },
      std::chrono::seconds(30)));
  auto page = complete_pkce(op.port, url);
  REQUIRE(page);
  CHECK(page->status == 200);
  INFO(login->err());
  CHECK(wait_for_exit(*login) == 0);
  CHECK(login->err().find("Opened your browser") != std::string::npos);
}

TEST_CASE("cli login: an access token about to expire is refreshed and saved", "[login]") {
  Provider op = start_provider(/*access_token_ttl=*/20);  // under the 30 s refresh margin
  auto gateway = start_gateway(op);
  smg::test::TempDir home;
  Cli cli{home.path()};
  REQUIRE(pkce_login(cli, op, gateway->base_url()).exit_code == 0);
  YAML::Node before = cli.oidc();
  std::string old_access = before["access_token"].as<std::string>();
  std::string old_refresh = before["refresh_token"].as<std::string>();
  int64_t old_expiry = before["expires_at"].as<int64_t>();

  auto listed = cli.run({"workers", "list", "-o", "json"});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  YAML::Node after = cli.oidc();
  CHECK(after["access_token"].as<std::string>() != old_access);
  CHECK(after["refresh_token"].as<std::string>() != old_refresh);  // the provider rotates
  CHECK(after["expires_at"].as<int64_t>() >= old_expiry);
  // The spent refresh token is dead at the provider; the saved one is the live one.
  CHECK(refresh_at_provider(op, old_refresh)["error"] == "invalid_grant");
}

TEST_CASE("cli login: a revoked session exits 3 and says to log in again", "[login]") {
  Provider op = start_provider(/*access_token_ttl=*/20);
  auto gateway = start_gateway(op);
  smg::test::TempDir home;
  Cli cli{home.path()};
  REQUIRE(pkce_login(cli, op, gateway->base_url()).exit_code == 0);
  httplib::Client provider("127.0.0.1", op.port);
  auto revoked = provider.Post(
      "/token/revocation",
      smg::http::form_encode({{"token", cli.oidc()["refresh_token"].as<std::string>()},
                              {"token_type_hint", "refresh_token"},
                              {"client_id", kClientId}}),
      "application/x-www-form-urlencoded");
  REQUIRE(revoked);
  REQUIRE(revoked->status == 200);
  auto listed = cli.run({"workers", "list"});
  CHECK(listed.exit_code == 3);
  CHECK(listed.err.find("session for context default expired or was revoked: run `smgctl login` "
                        "again") != std::string::npos);
}

TEST_CASE("cli login: a 401 from the gateway for a session exits 3 with log in again", "[login]") {
  Provider op = start_provider();
  auto gateway = start_gateway(op, "some-other-audience");
  smg::test::TempDir home;
  Cli cli{home.path()};
  REQUIRE(pkce_login(cli, op, gateway->base_url()).exit_code == 0);
  auto listed = cli.run({"workers", "list"});
  CHECK(listed.exit_code == 3);
  CHECK(listed.err.find("expired or was revoked: run `smgctl login` again") != std::string::npos);
}
