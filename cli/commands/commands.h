// One registration function per command group; each lives in cli/commands/<group>.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace smg::cli {

void register_version_command(CLI::App& app, CliContext& context);
void register_hash_commands(CLI::App& app, CliContext& context);
void register_keys_commands(CLI::App& app, CliContext& context);
void register_jwt_commands(CLI::App& app, CliContext& context);
void register_serve_command(CLI::App& app, CliContext& context);
void register_config_commands(CLI::App& app, CliContext& context);
void register_dev_worker_command(CLI::App& app, CliContext& context);
void register_policy_commands(CLI::App& app, CliContext& context);
void register_context_commands(CLI::App& app, CliContext& context);
void register_login_commands(CLI::App& app, CliContext& context);
void register_workers_commands(CLI::App& app, CliContext& context);
void register_tokenizers_commands(CLI::App& app, CliContext& context);
void register_tokenize_commands(CLI::App& app, CliContext& context);  // tokenize, detokenize
void register_wasm_commands(CLI::App& app, CliContext& context);
void register_parse_commands(CLI::App& app, CliContext& context);
void register_loads_commands(CLI::App& app, CliContext& context);  // loads, flush-cache
void register_audit_commands(CLI::App& app, CliContext& context);
void register_completion_commands(CLI::App& app, CliContext& context);
// smgctl help [COMMAND...]: the help of any command, as `COMMAND --help` prints it.
void register_help_command(CLI::App& app, CliContext& context);
void register_man_command(CLI::App& app, CliContext& context);
void register_shell_command(CLI::App& app, CliContext& context);

}  // namespace smg::cli
