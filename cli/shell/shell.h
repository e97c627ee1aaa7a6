// `smgctl shell`: the interactive loop around ShellSession: libedit for editing, completion and
// history ($XDG_STATE_HOME/smgctl/history, saved after every line), each command run in a forked
// child so Ctrl-C interrupts the command (exit 130) and never the shell.
//
//   int code = run_shell(context);   // returns when the user types exit/quit or Ctrl-D
#pragma once

#include "cli/cli_context.h"

namespace smg::cli::shell {

// Returns the exit code of the last command run. Input that is not a terminal is read as a
// script: no banner, no history.
int run_shell(CliContext& context);

}  // namespace smg::cli::shell
