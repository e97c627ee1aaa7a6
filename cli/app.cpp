#include "cli/app.h"

#include <algorithm>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/usage/duration_option.h"
#include "cli/usage/examples.h"
#include "cli/usage/usage_errors.h"
#include "common/version/version.h"

namespace smg::cli {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("-o,--output", global.output, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  app.add_option("--server", global.server, "Gateway URL (overrides the context)");
  app.add_option("--token", global.token,
                 "Bearer credential for the gateway (or SMG_TOKEN; prefer --token-stdin)");
  app.add_option("--context", global.context, "Context to use instead of the current one");
  app.add_option("--cacert", global.cacert, "CA bundle (PEM) to trust for the gateway");
  app.add_flag("--insecure", global.insecure, "Skip TLS certificate verification");
  add_duration_option(app, "--request-timeout", global.request_timeout,
                      "How long to wait for the gateway's answer (90, 30s, 5m)", "30s");
  app.add_option("--color", global.color,
                 "Colour outcomes and statuses: auto (on a terminal), "
                 "always or never (NO_COLOR also turns it off)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto");
}

void register_commands(CLI::App& app, CliContext& context) {
  register_serve_command(app, context);
  register_config_commands(app, context);
  register_version_command(app, context);
  register_hash_commands(app, context);
  register_keys_commands(app, context);
  register_jwt_commands(app, context);
  register_dev_worker_command(app, context);
  register_policy_commands(app, context);
  register_context_commands(app, context);
  register_login_commands(app, context);
  register_workers_commands(app, context);
  register_tokenizers_commands(app, context);
  register_tokenize_commands(app, context);
  register_wasm_commands(app, context);
  register_parse_commands(app, context);
  register_loads_commands(app, context);
  register_audit_commands(app, context);
  register_shell_command(app, context);
  register_completion_commands(app, context);
  register_man_command(app, context);
  register_help_command(app, context);
}

}  // namespace

std::unique_ptr<CLI::App> make_app(CliContext& context) {
  auto app = std::make_unique<CLI::App>("smgctl: the smg model gateway and its admin toolkit",
                                        "smgctl");
  app->require_subcommand(1);
  app->fallthrough();  // global flags such as -o may follow the subcommand
  app->set_version_flag("--version", std::string("smgctl ") + version::smg_version());
  add_global_options(*app, context.global);
  register_commands(*app, context);
  add_examples(*app);  // after every command exists: the table names them all
  return app;
}

int run_cli(CliContext& context, std::vector<std::string> args) {
  auto app = make_app(context);
  std::reverse(args.begin(), args.end());  // CLI11 consumes a reversed vector
  try {
    app->parse(args);
  } catch (const CLI::CallForHelp&) {
    *context.out << app->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    *context.out << app->help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    *context.out << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105, 106, ...) become the documented usage code, and its messages plain
    // words naming the command, with that level's commands or a "did you mean".
    *context.err << describe_parse_error(*app, e);
    return kExitUsage;
  } catch (const UsageError& e) {
    *context.err << "smgctl: " << e.what() << "\n";
    return kExitUsage;
  } catch (const CommandError& e) {
    *context.err << "smgctl: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    *context.err << "smgctl: " << e.what() << "\n";
    return kExitFailure;
  }
  return context.exit_code;
}

}  // namespace smg::cli
