#include <catch2/catch.hpp>

#include "cli/app.h"
#include "cli/man/man_pages.h"
#include "cli/man/roff.h"

using smg::cli::man::escape;
using smg::cli::man::render_man_pages;

TEST_CASE("man: roff escaping", "[shell][man]") {
  CHECK(escape("--server URL") == "\\-\\-server URL");
  CHECK(escape("a\\b") == "a\\eb");
  CHECK(escape(".hidden\n'quote") == "\\&.hidden\n\\&'quote");
  CHECK(escape("x.y") == "x.y");
}

TEST_CASE("man: one page for smgctl and one per top-level command", "[shell][man]") {
  smg::cli::CliContext context;
  auto app = smg::cli::make_app(context);
  auto pages = render_man_pages(*app);
  REQUIRE(!pages.empty());
  CHECK(pages[0].file_name == "smgctl.1");
  std::vector<std::string> names;
  for (const auto& page : pages) {
    names.push_back(page.file_name);
  }
  for (const char* name : {"smgctl-jwt.1", "smgctl-keys.1", "smgctl-shell.1", "smgctl-serve.1"}) {
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
  CHECK(std::find(names.begin(), names.end(), "smgctl-__complete.1") == names.end());

  const std::string& root = pages[0].content;
  for (const char* heading : {".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH GLOBAL OPTIONS",
                              ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES", ".SH SEE ALSO"}) {
    CHECK(root.find(heading) != std::string::npos);
  }
  CHECK(root.find("\\fB\\-\\-server\\fR") != std::string::npos);
  CHECK(root.find("SMG_TOKEN") != std::string::npos);
  CHECK(root.find(".BR smgctl\\-jwt (1)") != std::string::npos);
}

TEST_CASE("man: a group page lists its subcommands and their options", "[shell][man]") {
  smg::cli::CliContext context;
  auto app = smg::cli::make_app(context);
  for (const auto& page : render_man_pages(*app)) {
    if (page.file_name != "smgctl-jwt.1") {
      continue;
    }
    CHECK(page.content.find(".TH SMGCTL\\-JWT 1") != std::string::npos);
    CHECK(page.content.find(".SS \"smgctl jwt decode\"") != std::string::npos);
    CHECK(page.content.find(".SS \"smgctl jwt verify\"") != std::string::npos);
    CHECK(page.content.find("\\fB\\-\\-jwks\\fR") != std::string::npos);
    CHECK(page.content.find("\\fITOKEN\\fR") != std::string::npos);
    return;
  }
  FAIL("no smgctl-jwt.1");
}
