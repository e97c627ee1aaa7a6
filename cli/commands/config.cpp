// `smgctl config validate FILE`: loads a serve config and builds everything `serve` would build
// (credentials hashed, policy loaded, users' hashes checked) without listening or calling out.
#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "server/gateway/gateway_runtime.h"
#include "server/gateway/serve_config_yaml.h"

namespace smg::cli {

void register_config_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("config", "Work with smg config files");
  group->require_subcommand(1);
  auto* validate = group->add_subcommand("validate", "Check a serve config without serving");
  auto path = std::make_shared<std::string>();
  validate->add_option("FILE", *path, "YAML config")->required();
  validate->callback([path, &context] {
    server::ServeConfig config;
    if (Status loaded = server::load_serve_config_file(*path, config); !loaded.ok()) {
      throw UsageError(loaded.message());
    }
    auto runtime = server::GatewayRuntime::build(config);
    if (!runtime.ok()) throw UsageError(runtime.status().message());
    *context.out << *path << ": valid (" << config.worker_urls.size() << " workers, "
                 << config.callers.size() << " callers, basic "
                 << (config.admin_auth.basic.enabled ? "on" : "off") << ", oidc "
                 << (config.admin_auth.oidc.enabled ? "on" : "off") << ")\n";
  });
}

}  // namespace smg::cli
