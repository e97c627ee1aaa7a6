#include "cli/commands/commands.h"

namespace smg::cli {

// Placeholder until the hash group lands in this change set.
void register_hash_commands(CLI::App& app, CliContext& context) {
  (void)app;
  (void)context;
}

}  // namespace smg::cli
