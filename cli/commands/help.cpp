// smgctl help [COMMAND...]: prints what `smgctl COMMAND... --help` prints, outside the shell as
// inside it; an unknown word gets that level's commands and a "did you mean".
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage/usage_errors.h"

namespace smg::cli {

void register_help_command(CLI::App& app, CliContext& context) {
  auto* cmd =
      app.add_subcommand("help", "Print the help of a command, e.g. smgctl help workers add");
  auto words = std::make_shared<std::vector<std::string>>();
  cmd->add_option("command", *words, "The command's words");
  cmd->callback([&app, &context, words] {
    std::string error;
    const CLI::App* found = find_command(app, *words, error);
    if (found == nullptr) {
      *context.err << error;
      context.exit_code = kExitUsage;
      return;
    }
    // The formatter directly: the root's help() would describe the running `help` instead.
    *context.out << found->get_formatter()->make_help(found, command_path(*found),
                                                      CLI::AppFormatMode::Normal);
  });
}

}  // namespace smg::cli
