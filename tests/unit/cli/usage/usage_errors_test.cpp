#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/exit_codes.h"
#include "common/text/suggest.h"

namespace {

struct Ran {
  int code;
  std::string out;
  std::string err;
};

Ran run(std::vector<std::string> args) {
  std::ostringstream out, err;
  std::istringstream in;
  smg::cli::CliContext context;
  context.in = &in;
  context.out = &out;
  context.err = &err;
  int code = smg::cli::run_cli(context, std::move(args));
  return {code, out.str(), err.str()};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("suggest: synonyms, typos and unique prefixes", "[cli]") {
  const std::vector<std::string> commands = {"add", "get", "list", "remove", "update"};
  CHECK(smg::text::suggest("rm", commands) == "remove");
  CHECK(smg::text::suggest("delete", commands) == "remove");
  CHECK(smg::text::suggest("ls", commands) == "list");
  CHECK(smg::text::suggest("remvoe", commands) == "remove");  // a swap is one edit
  CHECK(smg::text::suggest("lst", commands) == "list");
  CHECK(smg::text::suggest("upd", commands) == "update");  // prefix
  CHECK_FALSE(smg::text::suggest("frobnicate", commands));
  CHECK_FALSE(smg::text::suggest("", commands));
  CHECK(smg::text::suggest("--prot", {"--port", "--host"}) == "--port");
  CHECK(smg::text::suggest("rm", {"add"}) == std::nullopt);  // no remove to map to
  CHECK(smg::text::edit_distance("kitten", "sitting") == 3);
  CHECK(smg::text::edit_distance("ab", "ba") == 1);
  CHECK(smg::text::edit_distance("", "abc") == 3);
}

TEST_CASE("usage errors: an incomplete or unknown command lists that level's commands", "[cli]") {
  SECTION("bare smgctl") {
    auto r = run({});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl: a command is required"));
    CHECK(has(r.err, "Commands of smgctl:"));
    CHECK(has(r.err, "  workers"));
    CHECK_FALSE(has(r.err, "__complete"));  // hidden commands stay hidden
  }
  SECTION("bare smgctl workers") {
    auto r = run({"workers"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl workers: a command is required"));
    CHECK(has(r.err, "Commands of smgctl workers:"));
    CHECK(has(r.err, "  remove"));
  }
  SECTION("smgctl workers rm") {
    auto r = run({"workers", "rm"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl workers: unknown command \"rm\"; did you mean \"remove\"?"));
    CHECK(has(r.err, "Run 'smgctl workers --help' for more."));
  }
  SECTION("smgctl wrokers") {
    auto r = run({"wrokers", "list"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl: unknown command \"wrokers\"; did you mean \"workers\"?"));
  }
  SECTION("smgctl completion powershell") {
    auto r = run({"completion", "powershell"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl completion: unknown command \"powershell\""));
    CHECK(has(r.err, "  bash"));
  }
}

TEST_CASE("usage errors: flags and values in plain words, in the order typed", "[cli]") {
  SECTION("an unknown flag with a near one") {
    auto r = run({"serve", "--prot", "8080"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl serve: unknown flag --prot; did you mean --port?"));
    CHECK(has(r.err, "Run 'smgctl serve --help' for usage."));
  }
  SECTION("a value that is not a number") {
    auto r = run({"serve", "--port", "abc"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl serve: --port wants a whole number, got \"abc\""));
    CHECK_FALSE(has(r.err, "Could not convert"));
  }
  SECTION("a flag without its value") {
    auto r = run({"serve", "--port"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl serve: --port needs a whole number"));
  }
  SECTION("arguments nobody takes, in the order typed") {
    auto r = run({"version", "one", "two"});
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "smgctl version: unexpected arguments \"one\" \"two\""));
  }
}

TEST_CASE("usage errors: every duration flag takes 90, 90s, 5m, 1h and names a bad one",
          "[cli]") {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"audit", "tail", "--since", "soon"},
        {"workers", "add", "http://w:8000", "--timeout", "5 min"},
        {"tokenizers", "add", "t", "/m", "--wait-timeout", "1.5h"},
        {"login", "--timeout", "forever"}}) {
    auto r = run(args);
    INFO(r.err);
    CHECK(r.code == smg::cli::kExitUsage);
    CHECK(has(r.err, "wants a duration like 90, 90s, 5m or 1h, got \""));
  }
  // A bare number is seconds: the value parses, and the command's own check runs.
  auto zero = run({"workers", "add", "http://w:8000", "--timeout", "0"});
  CHECK(zero.code == smg::cli::kExitUsage);
  CHECK(has(zero.err, "--timeout must be more than 0s"));
}

TEST_CASE("smgctl help COMMAND... prints that command's help", "[cli]") {
  auto workers = run({"help", "workers"});
  CHECK(workers.code == smg::cli::kExitOk);
  CHECK(has(workers.out, "Manage a gateway's workers"));
  CHECK(has(workers.out, "remove"));
  auto add = run({"help", "workers", "add"});
  CHECK(add.code == smg::cli::kExitOk);
  CHECK(has(add.out, "Register a worker"));
  auto root = run({"help"});
  CHECK(root.code == smg::cli::kExitOk);
  CHECK(has(root.out, "smgctl: the smg model gateway"));
  auto unknown = run({"help", "workers", "rm"});
  CHECK(unknown.code == smg::cli::kExitUsage);
  CHECK(has(unknown.err, "did you mean \"remove\"?"));
}
