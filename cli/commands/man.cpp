// The hidden `smgctl __gen-man DIR`: writes smgctl's man pages from this command tree
// (cli/man/man_pages.h). scripts/gen-docs runs it; users read the result with man(1).
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/man/man_pages.h"

namespace smg::cli {

void register_man_command(CLI::App& app, CliContext& /*context*/) {
  auto* gen_man = app.add_subcommand("__gen-man", "Write the man pages into a folder")->group("");
  auto dir = std::make_shared<std::string>();
  gen_man->add_option("dir", *dir, "Existing folder to write smgctl.1 and smgctl-*.1 into")
      ->required()
      ->check(CLI::ExistingDirectory);
  gen_man->callback([&app, dir] {
    if (Status status = man::write_man_pages(app, *dir); !status.ok()) {
      throw CommandError(kExitFailure, status.message());
    }
  });
}

}  // namespace smg::cli
