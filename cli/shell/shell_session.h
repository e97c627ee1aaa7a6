// The part of `smgctl shell` that needs no terminal: a line in, an action out; the prompt; TAB
// candidates. Each line runs through the CLI tree of cli/app.h with the session's global options
// as defaults, so `--server`, `--context` (also set by `use CONTEXT`) and `-o` given to
// `smgctl shell` hold for every line unless the line overrides them.
// Thread-safety: one thread.
//
//   ShellSession session(context, ShellSession::Deps{});
//   session.execute("workers list -o json");     // Next::kContinue
//   session.prompt();                            // "smg(prod)> "
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/shell/line_editor.h"

namespace smg::cli::shell {

class ShellSession {
 public:
  struct Deps {
    // Runs one parsed line; run_cli in-process by default, a forked child in the terminal shell.
    std::function<int(CliContext&, std::vector<std::string>)> run;
    // Live worker ids for completion; completion::fetch_worker_ids by default.
    std::function<std::vector<std::string>(const CliContext&)> worker_ids;
    // Stored context names, for `use` and --context; completion::stored_context_names by default.
    std::function<std::vector<std::string>()> context_names;
  };
  enum class Next { kContinue, kExit };

  // `base` gives the session's global options and streams; it is copied.
  ShellSession(const CliContext& base, Deps deps);

  // Runs `line`: a command of the tree, or `use CONTEXT`, `help [COMMAND...]`, `exit`, `quit`.
  // Errors (bad quoting, unknown commands, failing commands) are printed and never end the
  // session; `serve`, `dev-worker` and `shell` are refused (they would take over the terminal).
  Next execute(const std::string& line);

  // "smg(CONTEXT)> ", "smg(HOST:PORT)> " when only a server is known, else "smg> ".
  std::string prompt() const;

  // Candidates for the word at the end of `line_before_cursor`.
  Completions complete(std::string_view line_before_cursor) const;

  // False for lines that should not reach the history file: blank lines and lines carrying a
  // secret (a --token/--*-key/--*secret/--password value, or a JWT).
  static bool should_record(const std::string& line);

  // The exit code of the last command (0 after `use`); the shell's own exit code at the end.
  int last_exit_code() const { return last_exit_code_; }

 private:
  CliContext line_context() const;
  // Prints why and returns true for an unknown command or one that cannot run in the shell.
  bool refused(CLI::App& app, const std::vector<std::string>& command) const;
  Next run_builtin(const std::vector<std::string>& words, bool& handled);
  void use_context(const std::vector<std::string>& words);

  CliContext base_;
  Deps deps_;
  int last_exit_code_ = 0;
};

}  // namespace smg::cli::shell
