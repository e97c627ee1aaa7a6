#include "cli/commands/serve_flag_groups.h"

#include <catch2/catch.hpp>
#include <set>

#include "cli/app.h"

TEST_CASE("serve --help: every flag is in a section and described", "[cli]") {
  smg::cli::CliContext context;
  auto app = smg::cli::make_app(context);
  CLI::App* serve = app->get_subcommand("serve");
  std::set<std::string> groups;
  for (const CLI::Option* option : serve->get_options()) {
    if (option->get_name() == "--help") continue;
    INFO(option->get_name());
    auto group = smg::cli::serve_flag_group(option->get_name());
    REQUIRE(group);  // a new serve flag needs a line in serve_flag_groups.cpp
    CHECK(option->get_group() == *group);
    CHECK_FALSE(option->get_description().empty());
    groups.insert(*group);
  }
  CHECK(groups == std::set<std::string>{"Config and state", "Listener", "TLS", "Workers", "Routing",
                                        "Auth", "JWT", "Retries", "Circuit breaker", "Health",
                                        "Admission", "Logging and metrics", "Discovery"});
  std::string help = serve->help();
  CHECK(help.find("Circuit breaker:") != std::string::npos);
  CHECK(help.find("Examples:") != std::string::npos);
}
