#include "cli/usage/examples.h"

#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <sstream>

#include "cli/app.h"
#include "cli/usage/usage_errors.h"

namespace {

std::string words_of(const CLI::App& command) {
  std::string path = smg::cli::command_path(command);
  return path == "smgctl" ? "" : path.substr(7);
}

void walk(const CLI::App& command, const std::function<void(const CLI::App&)>& visit) {
  visit(command);
  for (const CLI::App* sub :
       command.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    walk(*sub, visit);
  }
}

}  // namespace

TEST_CASE("examples: every visible command has some, and every entry names a command", "[cli]") {
  smg::cli::CliContext context;
  auto app = smg::cli::make_app(context);
  std::set<std::string> commands;
  walk(*app, [&](const CLI::App& command) {
    std::string words = words_of(command);
    commands.insert(words);
    INFO("smgctl " << words);
    auto parts = smg::cli::split_footer(command.get_footer());
    CHECK_FALSE(parts.examples.empty());
    for (const auto& line : parts.examples) {
      // Each is a whole command line a user can paste.
      CHECK((line.find("smgctl") != std::string::npos));
    }
    if (command.get_parent() != nullptr) {
      CHECK(command.get_footer().find("Global flags (--server") != std::string::npos);
      CHECK(command.help().find("Examples:") != std::string::npos);
    }
  });
  for (const auto& [words, lines] : smg::cli::example_table()) {
    INFO(words);
    CHECK(commands.count(words) == 1);
  }
}

TEST_CASE("examples: a footer's own text survives next to its examples", "[cli]") {
  smg::cli::CliContext context;
  auto app = smg::cli::make_app(context);
  auto parts = smg::cli::split_footer(app->get_subcommand("shell")->get_footer());
  CHECK_FALSE(parts.text.empty());
  CHECK(parts.text.find("Examples:") == std::string::npos);
  CHECK(parts.text.find("Global flags") == std::string::npos);
  CHECK(parts.examples == std::vector<std::string>{"smgctl shell", "smgctl --context prod shell"});
}
