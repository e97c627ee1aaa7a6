#include "cli/commands/commands.h"

namespace smg::cli {

// Placeholder until the keys group lands in this change set.
void register_keys_commands(CLI::App& app, CliContext& context) {
  (void)app;
  (void)context;
}

}  // namespace smg::cli
