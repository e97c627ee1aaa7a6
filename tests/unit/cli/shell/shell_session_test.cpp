#include <catch2/catch.hpp>

#include <sstream>

#include "cli/exit_codes.h"
#include "cli/shell/shell_session.h"

using smg::cli::CliContext;
using smg::cli::shell::ShellSession;

namespace {

struct Harness {
  std::ostringstream out;
  std::ostringstream err;
  std::vector<std::vector<std::string>> ran;
  std::vector<std::string> contexts_seen;
  CliContext base;

  ShellSession make(bool record_only = true) {
    base.out = &out;
    base.err = &err;
    ShellSession::Deps deps;
    if (record_only) {
      deps.run = [this](CliContext& context, std::vector<std::string> args) {
        ran.push_back(args);
        contexts_seen.push_back(context.global.context);
        return 0;
      };
    }
    deps.worker_ids = [](const CliContext&) { return std::vector<std::string>{"w-1", "w-2"}; };
    deps.context_names = [] { return std::vector<std::string>{"prod", "staging"}; };
    return ShellSession(base, deps);
  }
};

}  // namespace

TEST_CASE("shell session: runs lines through the real command tree", "[shell]") {
  Harness h;
  auto session = h.make(false);
  CHECK(session.execute("version") == ShellSession::Next::kContinue);
  CHECK(session.last_exit_code() == 0);
  CHECK(h.out.str().find("smgctl ") != std::string::npos);
  CHECK(session.execute("no-such-command") == ShellSession::Next::kContinue);
  CHECK(session.last_exit_code() == smg::cli::kExitUsage);
  CHECK(h.err.str().find("no-such-command") != std::string::npos);
  CHECK(session.execute("keys generate --role nobody") == ShellSession::Next::kContinue);
  CHECK(session.last_exit_code() == smg::cli::kExitUsage);
}

TEST_CASE("shell session: quoting errors print and the session goes on", "[shell]") {
  Harness h;
  auto session = h.make();
  CHECK(session.execute("jwt decode 'unterminated") == ShellSession::Next::kContinue);
  CHECK(session.last_exit_code() == smg::cli::kExitUsage);
  CHECK(h.err.str().find("unterminated") != std::string::npos);
  CHECK(h.ran.empty());
  session.execute(R"(jwt decode "a b")");
  REQUIRE(h.ran.size() == 1);
  CHECK(h.ran[0] == std::vector<std::string>{"jwt", "decode", "a b"});
}

TEST_CASE("shell session: exit and quit end it, blank lines do nothing", "[shell]") {
  Harness h;
  auto session = h.make();
  CHECK(session.execute("   ") == ShellSession::Next::kContinue);
  CHECK(session.execute("# just a comment") == ShellSession::Next::kContinue);
  CHECK(h.ran.empty());
  CHECK(session.execute("exit") == ShellSession::Next::kExit);
  CHECK(session.execute(" quit ") == ShellSession::Next::kExit);
}

TEST_CASE("shell session: serve dev-worker and shell are refused", "[shell]") {
  Harness h;
  auto session = h.make();
  for (std::string line : {"serve --port 0", "--server http://x serve", "dev-worker", "shell"}) {
    CHECK(session.execute(line) == ShellSession::Next::kContinue);
    CHECK(session.last_exit_code() == smg::cli::kExitUsage);
  }
  CHECK(h.ran.empty());
  CHECK(h.err.str().find("does not run inside the shell") != std::string::npos);
}

TEST_CASE("shell session: use CONTEXT sets --context for later lines", "[shell]") {
  Harness h;
  auto session = h.make();
  CHECK(session.prompt() == "smg> ");
  session.execute("version");
  session.execute("use prod");
  session.execute("version");
  session.execute("--context staging version");
  REQUIRE(h.contexts_seen.size() == 3);
  CHECK(h.contexts_seen[0].empty());
  CHECK(h.contexts_seen[1] == "prod");
  CHECK(h.ran[2] == std::vector<std::string>{"--context", "staging", "version"});
  CHECK(session.prompt() == "smg(prod)> ");
  session.execute("use");
  CHECK(session.last_exit_code() == smg::cli::kExitUsage);
  CHECK(session.prompt() == "smg(prod)> ");
  session.execute("use nosuch");  // refused: the session keeps its context
  CHECK(session.last_exit_code() == smg::cli::kExitUsage);
  CHECK(h.err.str().find("no context named \"nosuch\"") != std::string::npos);
  CHECK(session.prompt() == "smg(prod)> ");
}

TEST_CASE("shell session: context names complete after use, --context and context use",
          "[shell]") {
  Harness h;
  auto session = h.make();
  CHECK(session.complete("use ").candidates == std::vector<std::string>{"prod", "staging"});
  CHECK(session.complete("use st").candidates == std::vector<std::string>{"staging"});
  CHECK(session.complete("--context p").candidates == std::vector<std::string>{"prod"});
  CHECK(session.complete("workers list --context=s").candidates ==
        std::vector<std::string>{"--context=staging"});
  CHECK(session.complete("context use ").candidates == std::vector<std::string>{"prod", "staging"});
  CHECK(session.complete("context delete pr").candidates == std::vector<std::string>{"prod"});
  CHECK(session.complete("context use prod ").candidates.empty());  // one name only
}

TEST_CASE("shell session: the prompt shows the server when no context is set", "[shell]") {
  Harness h;
  h.base.global.server = "https://gw.example:8443/";
  auto session = h.make();
  CHECK(session.prompt() == "smg(gw.example:8443)> ");
}

TEST_CASE("shell session: help runs smgctl help of the named command", "[shell]") {
  Harness h;
  auto session = h.make();
  session.execute("help jwt verify");
  REQUIRE(h.ran.size() == 1);
  CHECK(h.ran[0] == std::vector<std::string>{"help", "jwt", "verify"});
}

TEST_CASE("shell session: completes commands builtins and worker ids", "[shell]") {
  Harness h;
  auto session = h.make();
  auto found = session.complete("ver");
  CHECK(found.current == "ver");
  CHECK(found.candidates == std::vector<std::string>{"version"});
  found = session.complete("u");
  CHECK(found.candidates == std::vector<std::string>{"use"});
  found = session.complete("workers get w-");
  CHECK(found.candidates == std::vector<std::string>{"w-1", "w-2"});
  found = session.complete("jwt decode 'a b");
  CHECK(found.in_quotes);
}

TEST_CASE("shell session: secrets never reach the history", "[shell]") {
  CHECK(ShellSession::should_record("workers list -o json"));
  CHECK(ShellSession::should_record("workers add --api-key-stdin http://w:8000"));
  CHECK_FALSE(ShellSession::should_record("workers list --token s3cret"));
  CHECK_FALSE(ShellSession::should_record("workers list --token=s3cret"));
  CHECK_FALSE(ShellSession::should_record("workers add --api-key k http://w:8000"));
  CHECK_FALSE(ShellSession::should_record("login --client-secret x"));
  CHECK_FALSE(ShellSession::should_record("jwt decode eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
  CHECK_FALSE(ShellSession::should_record("   "));
  CHECK_FALSE(ShellSession::should_record("jwt decode 'open"));
}
