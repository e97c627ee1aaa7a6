// `smgctl shell` driven through a real pseudo-terminal (tmux): commands run, TAB completes a
// command and a live worker id from a running gateway, errors and Ctrl-C leave the shell usable,
// and history survives into a second session from a 0600 file in a 0700 folder.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/support/gateway_fixture.h"
#include "tests/support/peers.h"
#include "tests/support/tmux_session.h"

using smg::test::count_of;
using smg::test::TmuxSession;

namespace {

constexpr const char* kAdminKey = "sk-shelltest-admin-3f9d2a61";

unsigned permissions_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

std::string only_worker_id(smg::test::GatewayFixture& fx) {
  auto res = fx.gateway().client().Get("/workers", smg::test::bearer(kAdminKey));
  auto body = smg::test::json_body(res);
  REQUIRE(body["workers"].size() == 1);
  return body["workers"][0]["id"].get<std::string>();
}

// Waits until `text` shows `times` times on the screen; on failure, shows the screen.
void require_text(TmuxSession& tmux, const std::string& text, std::size_t times = 1) {
  if (!tmux.wait_for([&](const std::string& s) { return count_of(s, text) == times; })) {
    FAIL("expected " << times << " x '" << text << "' on the screen:\n" << tmux.screen());
  }
}

std::string last_line(const std::string& screen) {
  std::string text = screen;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text.substr(text.rfind('\n') + 1);
}

// Waits until the line being edited (the last one on the screen) reads `text`.
void require_last_line(TmuxSession& tmux, const std::string& text) {
  if (!tmux.wait_for([&](const std::string& s) { return last_line(s) == text; })) {
    FAIL("expected the last line '" << text << "' on the screen:\n" << tmux.screen());
  }
}

// Types `line` at `prompt` and presses Enter once the shell shows it, as a person would.
void enter_line(TmuxSession& tmux, const std::string& prompt, const std::string& line) {
  tmux.type(line);
  require_last_line(tmux, prompt + " " + line);
  tmux.keys({"Enter"});
}

void require_exit(TmuxSession& tmux, int status) {
  if (!tmux.wait_for_exit()) {
    FAIL("the shell did not exit:\n" << tmux.screen());
  }
  CHECK(tmux.exit_status() == status);
}

// Runs `line`, waits for `text` to show `times` times, then for the next prompt: keys typed
// before the shell reads again would meet the terminal in cooked mode (Ctrl-D, Ctrl-C lost).
void run_line(TmuxSession& tmux, const std::string& prompt, const std::string& line,
              const std::string& text, std::size_t times, std::string next_prompt = "") {
  enter_line(tmux, prompt, line);
  require_text(tmux, text, times);
  require_last_line(tmux, next_prompt.empty() ? prompt : next_prompt);
}

}  // namespace

TEST_CASE("shell: commands, TAB on a live worker id, errors, history across sessions",
          "[shell][pty]") {
  auto options = smg::test::fixture_options(
      1, {"--control-plane-api-keys", std::string("admin1:Shell Admin:admin:") + kAdminKey},
      {"m1"});
  smg::test::GatewayFixture fx(options);
  REQUIRE(fx.wait_until_healthy(1));
  const std::string worker_id = only_worker_id(fx);
  smg::test::TempDir home;
  const std::map<std::string, std::string> env = {
      {"HOME", home.path()}, {"XDG_STATE_HOME", home.file("state")}, {"SMG_TOKEN", kAdminKey}};
  const std::vector<std::string> argv = {SMGCTL_PATH, "--server", fx.gateway().base_url(), "shell"};
  const std::string prompt = "smg(127.0.0.1:" + std::to_string(fx.gateway().port()) + ")> ";
  const std::string prompt_at_end = prompt.substr(0, prompt.size() - 1);  // capture trims spaces

  {
    TmuxSession tmux(argv, env);
    require_text(tmux, prompt_at_end);
    run_line(tmux, prompt_at_end, "version", "OpenSSL:", 1);
    run_line(tmux, prompt_at_end, "no-such-command", "no-such-command", 2);  // line and error
    run_line(tmux, prompt_at_end, "version --token s3cr3t-never-in-history", "OpenSSL:", 2);
    run_line(tmux, prompt_at_end, "version -o json", "\"git_revision\"", 1);

    tmux.type("ver");
    tmux.keys({"Tab"});
    require_last_line(tmux, prompt + "version");
    tmux.keys({"C-c"});  // cancels the line: the command does not run
    require_text(tmux, "^C");
    require_last_line(tmux, prompt_at_end);
    tmux.type("workers get ");
    tmux.keys({"Tab"});
    require_last_line(tmux, prompt + "workers get " + worker_id);
    tmux.keys({"C-c"});
    require_text(tmux, "^C", 2);
    require_last_line(tmux, prompt_at_end);

    // Ctrl-C at a running command's password prompt ends the command, not the shell.
    enter_line(tmux, prompt_at_end, "hash bcrypt");
    require_text(tmux, "assword");
    tmux.keys({"C-c"});
    require_last_line(tmux, prompt_at_end);
    run_line(tmux, prompt_at_end, "version", "OpenSSL:", 3);
    CHECK(count_of(tmux.screen(), "OpenSSL:") == 3);  // the cancelled `version` never ran
    tmux.keys({"C-d"});
    require_exit(tmux, 0);
  }

  const std::string history = home.file("state") + "/smgctl/history";
  CHECK(permissions_of(home.file("state") + "/smgctl") == 0700);
  CHECK(permissions_of(history) == 0600);
  const std::string saved = smg::test::read_file(history);
  CHECK(saved.find("json") != std::string::npos);
  CHECK(saved.find("s3cr3t") == std::string::npos);

  {
    TmuxSession tmux(argv, env);
    require_text(tmux, prompt_at_end);
    tmux.keys({"Up", "Up"});  // the last two lines of the first session: version, hash bcrypt
    require_last_line(tmux, prompt + "hash bcrypt");
    tmux.keys({"Up"});
    require_last_line(tmux, prompt + "version -o json");
    tmux.keys({"Enter"});
    require_text(tmux, "\"git_revision\"");
    require_last_line(tmux, prompt_at_end);
    enter_line(tmux, prompt_at_end, "quit");
    require_exit(tmux, 0);
  }
}

TEST_CASE("shell: use CONTEXT completes and changes the prompt, use nosuch and serve are refused",
          "[shell][pty]") {
  smg::test::TempDir home;
  const std::map<std::string, std::string> env = {{"HOME", home.path()},
                                                  {"XDG_CONFIG_HOME", home.file("config")},
                                                  {"XDG_STATE_HOME", home.file("state")}};
  for (const char* name : {"staging", "prod"}) {
    auto set = smg::test::run_smgctl(
        {"context", "set", name, "--server", std::string("https://") + name + ".example"}, "",
        env);
    REQUIRE(set.exit_code == 0);
  }
  TmuxSession tmux({SMGCTL_PATH, "shell"}, env);
  require_last_line(tmux, "smg(staging)>");  // the first context saved is the current one
  run_line(tmux, "smg(staging)>", "use nosuch", "no context named \"nosuch\"", 1);
  tmux.type("use pr");
  tmux.keys({"Tab"});
  require_last_line(tmux, "smg(staging)> use prod");
  tmux.keys({"Enter"});
  require_text(tmux, "Using context prod");
  require_last_line(tmux, "smg(prod)>");
  run_line(tmux, "smg(prod)>", "serve --port 0", "does not run inside the shell", 1);
  enter_line(tmux, "smg(prod)>", "exit");
  require_exit(tmux, 2);  // the status of the last command: the refused serve
}
