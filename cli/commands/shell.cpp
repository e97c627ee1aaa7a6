// smgctl shell: an interactive REPL over this command tree (cli/shell/shell.h).
#include "cli/commands/commands.h"
#include "cli/shell/shell.h"

namespace smg::cli {

void register_shell_command(CLI::App& app, CliContext& context) {
  auto* shell = app.add_subcommand(
      "shell", "Interactive shell over the same commands, with history and TAB completion");
  shell->footer(
      "Each line is an smgctl command without the smgctl prefix; global options given to "
      "`smgctl shell` apply to every line. TAB completes commands, options and worker ids. "
      "`use CONTEXT` switches the context for the session, `help [COMMAND]` prints help, "
      "`exit`, `quit` or Ctrl-D leave, Ctrl-C cancels the line or interrupts the running "
      "command. `serve`, `dev-worker` and `shell` do not run inside the shell. History is kept in "
      "$XDG_STATE_HOME/smgctl/history; lines that carry a token, key or password are not "
      "recorded.");
  shell->callback([&context] { context.exit_code = shell::run_shell(context); });
}

}  // namespace smg::cli
