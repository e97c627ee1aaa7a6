// The smgctl command tree as a value: built once per invocation by main() and once per line by the
// interactive shell, so both parse exactly the same commands, flags and global options.
//
//   CliContext context;
//   int code = smg::cli::run_cli(context, {"workers", "list", "-o", "json"});
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace smg::cli {

// The whole tree: global options and every command group, bound to `context`.
// REQUIRES: `context` outlives the returned app (callbacks capture it by reference).
std::unique_ptr<CLI::App> make_app(CliContext& context);

// Parses `args` (without the program name) and runs the chosen command. Every way out becomes an
// exit code (CLI11 parse errors → 2, UsageError → 2, CommandError → its code); messages go to
// context.err, help and version to context.out. Never throws.
int run_cli(CliContext& context, std::vector<std::string> args);

}  // namespace smg::cli
