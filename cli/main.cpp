// smgctl: wires the CLI11 command tree and maps every way out to an exit code (DESIGN.md §6).
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli_context.h"
#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "common/version/version.h"

int main(int argc, char** argv) {
  using namespace smg::cli;
  CliContext context;
  CLI::App app{"smgctl: the smg model gateway and its admin toolkit", "smgctl"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags such as -o may follow the subcommand
  app.set_version_flag("--version", std::string("smgctl ") + smg::version::smg_version());
  app.add_option("-o,--output", context.global.output, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->capture_default_str();

  register_serve_command(app, context);
  register_config_commands(app, context);
  register_version_command(app, context);
  register_hash_commands(app, context);
  register_keys_commands(app, context);
  register_jwt_commands(app, context);
  register_dev_worker_command(app, context);
  register_policy_commands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105, 106, ...) become the documented usage code.
    std::cerr << "smgctl: " << e.what() << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "smgctl: " << e.what() << "\n";
    return kExitUsage;
  } catch (const CommandError& e) {
    std::cerr << "smgctl: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "smgctl: " << e.what() << "\n";
    return kExitFailure;
  }
  return context.exit_code;
}
