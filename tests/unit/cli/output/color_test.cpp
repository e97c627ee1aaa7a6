// Colour: only on request or on a terminal; a coloured table keeps its columns aligned; audit
// lines colour the outcome and nothing a hostile field could smuggle in.
#include "cli/output/color.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "cli/audit/audit_view.h"
#include "cli/output/table.h"

using smg::cli::CliContext;
using smg::cli::Color;

TEST_CASE("color: --color always and never decide, auto needs a terminal", "[cli][color]") {
  std::ostringstream out;
  CliContext context;
  context.out = &out;
  context.global.color = "auto";
  CHECK_FALSE(smg::cli::color_enabled(context));  // not a terminal
  context.global.color = "never";
  CHECK_FALSE(smg::cli::color_enabled(context));
  context.global.color = "always";
  ::setenv("NO_COLOR", "1", 1);
  CHECK(smg::cli::color_enabled(context));  // an explicit flag beats the environment
  ::unsetenv("NO_COLOR");
}

TEST_CASE("color: paint wraps known colours only when enabled", "[cli][color]") {
  CHECK(smg::cli::paint("denied", Color::kRed, true) == "\x1b[31mdenied\x1b[0m");
  CHECK(smg::cli::paint("denied", Color::kRed, false) == "denied");
  CHECK(smg::cli::paint("x", Color::kNone, true) == "x");
  CHECK(smg::cli::color_for_outcome("success") == Color::kGreen);
  CHECK(smg::cli::color_for_outcome("denied") == Color::kRed);
  CHECK(smg::cli::color_for_outcome("unauthenticated") == Color::kYellow);
  CHECK(smg::cli::color_for_status("ready") == Color::kGreen);
  CHECK(smg::cli::color_for_status("pending") == Color::kYellow);
  CHECK(smg::cli::color_for_status("failed") == Color::kRed);
  CHECK(smg::cli::color_for_status("weird") == Color::kNone);
}

TEST_CASE("color: a coloured STATUS column stays aligned", "[cli][color]") {
  smg::cli::Table table({"ID", "STATUS", "LOAD"});
  table.add_row({"a", "ready", "0"});
  table.add_row({"bb", "not_ready", "3"});
  std::ostringstream plain;
  std::ostringstream colored;
  table.print(plain);
  table.print(colored, true);
  CHECK(plain.str().find('\x1b') == std::string::npos);
  CHECK(colored.str() ==
        "ID  STATUS     LOAD\n"
        "a   \x1b[32mready\x1b[0m      0\n"
        "bb  \x1b[31mnot_ready\x1b[0m  3\n");
}

TEST_CASE("color: audit lines colour the outcome only", "[cli][color][attack]") {
  nlohmann::json event = {{"timestamp", "2026-11-23T11:19:10.000Z"},
                          {"outcome", "denied"},
                          {"status", 403},
                          {"principal", "api_key:u1"},
                          {"method", "GET"},
                          {"path", "/workers/\x1b[2J"}};
  std::string line = smg::cli::human_line(event, true);
  CHECK(line.rfind("2026-11-23T11:19:10.000Z  \x1b[31mdenied\x1b[0m           403", 0) == 0);
  CHECK(line.find("\x1b[2J") == std::string::npos);  // the path's escape is neutralised
  CHECK(smg::cli::human_line(event, false) == smg::cli::human_line(event));
  CHECK(smg::cli::human_line(event).find('\x1b') == std::string::npos);
}
