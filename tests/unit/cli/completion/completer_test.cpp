#include <catch2/catch.hpp>

#include <algorithm>

#include "cli/app.h"
#include "cli/completion/completer.h"

using smg::cli::CliContext;
using smg::cli::completion::Candidate;
using smg::cli::completion::command_words;
using smg::cli::completion::complete;
using smg::cli::completion::DynamicSources;

namespace {

std::vector<std::string> words_of(const std::vector<Candidate>& candidates) {
  std::vector<std::string> words;
  for (const auto& candidate : candidates) {
    words.push_back(candidate.word);
  }
  return words;
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// A small tree of the same shape as smgctl's, so these tests do not depend on which command
// groups exist.
struct TestTree {
  std::string output;
  std::string server;
  bool insecure = false;
  std::string id;
  bool watch = false;
  CLI::App root{"test tree", "smgctl"};

  TestTree() {
    root.fallthrough();
    root.add_option("-o,--output", output, "Output format")
        ->check(CLI::IsMember({"table", "json", "yaml"}));
    root.add_option("--server", server, "Gateway URL");
    root.add_flag("--insecure", insecure, "Skip TLS verification");
    auto* workers = root.add_subcommand("workers", "Manage workers");
    workers->add_subcommand("list", "List workers");
    auto* get = workers->add_subcommand("get", "Show one worker");
    get->add_option("id", id, "Worker id");
    get->add_flag("--watch", watch, "Keep watching");
    root.add_subcommand("wasm", "WASM modules");
    root.add_subcommand("version", "Print the version");
    root.add_subcommand("__complete", "hidden")->group("");
  }
};

}  // namespace

TEST_CASE("completion: commands by prefix, hidden ones never", "[shell][completion]") {
  TestTree tree;
  auto words = words_of(complete(tree.root, {}, "w", {}));
  CHECK(words == std::vector<std::string>{"workers", "wasm"});
  words = words_of(complete(tree.root, {}, "", {}));
  CHECK(contains(words, "version"));
  CHECK_FALSE(contains(words, "__complete"));
  CHECK(words_of(complete(tree.root, {"workers"}, "", {})) ==
        std::vector<std::string>{"list", "get"});
}

TEST_CASE("completion: descriptions come from the tree", "[shell][completion]") {
  TestTree tree;
  auto candidates = complete(tree.root, {}, "vers", {});
  REQUIRE(candidates.size() == 1);
  CHECK(candidates[0].description == "Print the version");
}

TEST_CASE("completion: options of the command and the global ones", "[shell][completion]") {
  TestTree tree;
  auto words = words_of(complete(tree.root, {"workers", "get"}, "--", {}));
  CHECK(contains(words, "--watch"));
  CHECK(contains(words, "--server"));
  CHECK(contains(words, "--output"));
  CHECK_FALSE(contains(words_of(complete(tree.root, {"workers"}, "--", {})), "--watch"));
  CHECK(words_of(complete(tree.root, {}, "--ser", {})) == std::vector<std::string>{"--server"});
}

TEST_CASE("completion: values of an option with a fixed set", "[shell][completion]") {
  TestTree tree;
  CHECK(words_of(complete(tree.root, {"version", "-o"}, "", {})) ==
        std::vector<std::string>{"table", "json", "yaml"});
  CHECK(words_of(complete(tree.root, {"version", "--output"}, "j", {})) ==
        std::vector<std::string>{"json"});
  CHECK(words_of(complete(tree.root, {}, "--output=y", {})) ==
        std::vector<std::string>{"--output=yaml"});
  // An option value is not a command word: after it, commands are offered again.
  CHECK(contains(words_of(complete(tree.root, {"--server", "http://x"}, "w", {})), "workers"));
}

TEST_CASE("completion: worker ids after workers get remove or update", "[shell][completion]") {
  TestTree tree;
  int calls = 0;
  DynamicSources sources;
  sources.worker_ids = [&calls] {
    ++calls;
    return std::vector<std::string>{"0b1c-aaaa", "7f00-bbbb"};
  };
  CHECK(words_of(complete(tree.root, {"workers", "get"}, "", sources)) ==
        std::vector<std::string>{"0b1c-aaaa", "7f00-bbbb"});
  CHECK(words_of(complete(tree.root, {"workers", "get"}, "7", sources)) ==
        std::vector<std::string>{"7f00-bbbb"});
  // The rule follows the words, so it holds before the group is registered in a tree.
  CHECK(words_of(complete(tree.root, {"workers", "remove"}, "0", sources)) ==
        std::vector<std::string>{"0b1c-aaaa"});
  int before = calls;
  CHECK(complete(tree.root, {"workers", "list"}, "", sources).empty());
  CHECK(complete(tree.root, {"version"}, "", sources).empty());
  CHECK(calls == before);  // no network call where no id is wanted
}

TEST_CASE("completion: global options typed on the line reach the sources", "[shell][completion]") {
  TestTree tree;
  DynamicSources sources;
  std::string seen_server;
  sources.worker_ids = [&] {
    seen_server = tree.server;
    return std::vector<std::string>{};
  };
  complete(tree.root, {"--server", "http://gw:1", "workers", "get"}, "", sources);
  CHECK(seen_server == "http://gw:1");
  complete(tree.root, {"workers", "get", "--server=http://gw:2"}, "", sources);
  CHECK(seen_server == "http://gw:2");
}

TEST_CASE("completion: command words skip options and their values", "[shell][completion]") {
  TestTree tree;
  CHECK(command_words(tree.root, {"--server", "u", "workers", "get", "-o", "json", "--insecure",
                                  "id1"}) == std::vector<std::string>{"workers", "get", "id1"});
  CHECK(command_words(tree.root, {"-ojson", "version"}) == std::vector<std::string>{"version"});
}

TEST_CASE("completion: the real smgctl tree offers its groups", "[shell][completion]") {
  CliContext context;
  auto app = smg::cli::make_app(context);
  auto words = words_of(complete(*app, {}, "", {}));
  for (const char* group : {"serve", "jwt", "keys", "shell", "completion", "version"}) {
    CHECK(contains(words, group));
  }
  CHECK_FALSE(contains(words, "__complete"));
  CHECK_FALSE(contains(words, "__gen-man"));
  CHECK(words_of(complete(*app, {"completion"}, "", {})) ==
        std::vector<std::string>{"bash", "zsh", "fish"});
}
