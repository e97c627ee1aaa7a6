// smgctl keys generate: a new control-plane API key, its `id:name:role:key` spec
// for --control-plane-api-keys / CONTROL_PLANE_API_KEYS, and its SHA-256 for YAML's key_sha256.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "common/apikey/api_key_spec.h"
#include "common/apikey/generate.h"
#include "common/crypto/crypto.h"
#include "common/principal/principal.h"

namespace smg::cli {
namespace {

struct GenerateOptions {
  std::string id;
  std::string name;
  std::string role = "user";
  bool name_given = false;
};

void check_label(const char* flag, const std::string& value) {
  if (Status status = apikey::validate_key_label(flag, value); !status.ok()) {
    throw UsageError(status.message());
  }
}

void print_generated(CliContext& context, const GenerateOptions& options, Role role,
                     const crypto::Secret& key) {
  const crypto::Secret spec{options.id + ":" + options.name + ":" + role_name(role) + ":" +
                            key.reveal()};
  const std::string digest = crypto::sha256_hex(key.reveal());
  if (context.json_output()) {
    nlohmann::json doc = {{"id", options.id},    {"name", options.name},  {"role", role_name(role)},
                          {"key", key.reveal()}, {"spec", spec.reveal()}, {"key_sha256", digest}};
    *context.out << doc.dump(2) << "\n";
    return;
  }
  *context.out << "id:         " << options.id << "\n"
               << "name:       " << options.name << "\n"
               << "role:       " << role_name(role) << "\n"
               << "key:        " << key.reveal() << "\n"
               << "spec:       " << spec.reveal() << "\n"
               << "key_sha256: " << digest << "\n";
  *context.err << "Store the key now: the gateway keeps only its SHA-256 and cannot show it "
                  "again.\n";
}

void run_generate(CliContext& context, GenerateOptions options) {
  if (options.id.empty()) {
    options.id = "key-" + crypto::to_hex(crypto::random_bytes(4));
  }
  check_label("--id", options.id);
  if (!options.name_given) {
    options.name = options.id;
  }
  check_label("--name", options.name);
  std::optional<Role> role = parse_role(options.role);
  if (!role) {
    throw UsageError("--role must be admin or user");
  }
  print_generated(context, options, *role, apikey::generate_api_key());
}

}  // namespace

void register_keys_commands(CLI::App& app, CliContext& context) {
  auto* keys = app.add_subcommand("keys", "Control-plane API keys");
  keys->require_subcommand(1);
  auto options = std::make_shared<GenerateOptions>();
  auto* generate = keys->add_subcommand(
      "generate", "Print a new API key, its id:name:role:key spec and its SHA-256");
  generate->add_option("--id", options->id, "key id (default key-<8 hex>); subject api_key:<id>");
  auto* name = generate->add_option("--name", options->name, "display name (default: the id)");
  generate->add_option("--role", options->role, "admin or user")->capture_default_str();
  generate->callback([&context, options, name] {
    options->name_given = name->count() > 0;
    run_generate(context, *options);
  });
}

}  // namespace smg::cli
