#include "cli/commands/commands.h"

namespace smg::cli {

// Placeholder until the jwt group lands in this change set.
void register_jwt_commands(CLI::App& app, CliContext& context) {
  (void)app;
  (void)context;
}

}  // namespace smg::cli
