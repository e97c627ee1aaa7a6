#include "cli/shell/shell.h"

#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/app.h"
#include "cli/exit_codes.h"
#include "cli/shell/history_file.h"
#include "cli/shell/line_editor.h"
#include "cli/shell/shell_session.h"

namespace smg::cli::shell {
namespace {

void flush_all(CliContext& context) {
  context.out->flush();
  context.err->flush();
  std::fflush(nullptr);
}

// The command runs in a child with default signal handling, so Ctrl-C (sent to the foreground
// process group, which includes it) ends the command while the shell, ignoring the signal,
// waits. A command that crashes takes only the child with it.
int run_in_child(CliContext& context, std::vector<std::string> args) {
  flush_all(context);
  // A command killed at a no-echo password prompt would leave the terminal silent: put back
  // the modes it had before the command, as shells do.
  termios saved{};
  bool is_tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  pid_t child = ::fork();
  if (child < 0) {
    *context.err << "smgctl: cannot start the command: fork failed\n";
    return kExitFailure;
  }
  if (child == 0) {
    std::signal(SIGINT, SIG_DFL);
    int code = run_cli(context, std::move(args));
    flush_all(context);
    ::_exit(code);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (is_tty) {
    ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
  }
  if (WIFSIGNALED(status)) {
    *context.out << "\n";
    return WTERMSIG(status) == SIGINT ? kExitInterrupted : kExitFailure;
  }
  return WEXITSTATUS(status);
}

void print_banner(CliContext& context) {
  *context.out << "smgctl shell: commands without the smgctl prefix; TAB completes, "
                  "`use CONTEXT` switches context, exit or Ctrl-D leaves.\n";
}

// Saved after every line so a killed terminal loses nothing; after one failure (reported once)
// the session goes on without a history file.
void save_history(CliContext& context, LineEditor& editor, Result<std::string>& history) {
  if (!history.ok()) {
    return;
  }
  if (Status saved = editor.save_history(*history); !saved.ok()) {
    *context.err << "smgctl: " << saved.message() << "; history is no longer saved\n";
    history = saved;
  }
}

}  // namespace

int run_shell(CliContext& context) {
  ShellSession::Deps deps;
  deps.run = run_in_child;
  ShellSession session(context, deps);
  LineEditor editor(
      [&session](std::string_view before_cursor) { return session.complete(before_cursor); });
  // Lines piped in are a script, not a person typing: they stay out of the history.
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  Result<std::string> history = internal_error("history_off", "not interactive");
  if (interactive) {
    history = prepare_history_file();
    if (history.ok()) {
      (void)editor.load_history(*history);  // a new file has nothing to load
    } else {
      *context.err << "smgctl: " << history.status().message() << "\n";
    }
    print_banner(context);
  }
  std::string line;
  for (;;) {
    flush_all(context);
    LineEditor::Read read = editor.read_line(session.prompt(), line);
    if (read == LineEditor::Read::kEnd) {
      break;
    }
    if (read == LineEditor::Read::kCancelled) {
      continue;
    }
    if (ShellSession::should_record(line)) {
      editor.add_history(line);
      save_history(context, editor, history);
    }
    if (session.execute(line) == ShellSession::Next::kExit) {
      break;
    }
  }
  flush_all(context);
  return session.last_exit_code();  // as sh does: the status of the last command
}

}  // namespace smg::cli::shell
