// smgctl context set|list|use|current|delete: named gateways and their credentials
// in $XDG_CONFIG_HOME/smgctl/ (cli/contexts/context_store.h). Secrets come from stdin or a no-echo
// prompt (--token-stdin), never from argv, and are never printed.
#include <filesystem>
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/contexts/context_store.h"
#include "cli/exit_codes.h"
#include "cli/input/password_input.h"
#include "cli/output/printer.h"

namespace smg::cli {
namespace {

struct SetOptions {
  std::string name;
  std::string server;
  std::string cacert;
  bool token_stdin = false;
  bool insecure = false;
  bool quiet = false;
};

ContextStore open_store() {
  auto store = ContextStore::open(ContextStore::default_dir());
  if (!store.ok()) throw CommandError(kExitUsage, store.status().message());
  return std::move(*store);
}

void check(const Status& status) {
  if (!status.ok()) throw CommandError(exit_code_for(status), status.message());
}

const char* credential_kind(const Credential& credential) {
  if (credential.oidc) return "oidc";
  return credential.token.empty() ? "none" : "api_key";
}

void run_set(CliContext& context, const SetOptions& options, bool insecure_given) {
  ContextStore store = open_store();
  Context updated = store.find(options.name).value_or(Context{options.name, "", "", false});
  if (!options.server.empty()) updated.server = options.server;
  if (updated.server.empty()) throw UsageError("a new context needs --server URL");
  if (!options.cacert.empty()) {
    // Stored absolute so the context works from any working folder.
    updated.cacert = std::filesystem::absolute(options.cacert).string();
  }
  if (insecure_given) updated.insecure = options.insecure;
  check(store.set_context(updated));
  if (options.token_stdin) {
    crypto::Secret token = read_password(context, {.confirm = false, .prompt = "Token: "});
    check(store.save_credential(options.name, Credential::api_key(std::move(token))));
  }
  bool current = store.current_name() == options.name;
  *context.out << "context \"" << options.name << "\" saved" << (current ? " (current)" : "")
               << "\n";
}

nlohmann::json context_json(const ContextStore& store, const Context& entry) {
  auto credential = store.credential(entry.name);
  // An unsafe or broken credentials.yaml is a config error, as when a remote command meets it.
  if (!credential.ok()) throw CommandError(kExitUsage, credential.status().message());
  return {{"name", entry.name},
          {"server", entry.server},
          {"cacert", entry.cacert},
          {"insecure", entry.insecure},
          {"current", entry.name == store.current_name()},
          {"credential", credential_kind(*credential)}};
}

Table contexts_table(const nlohmann::json& contexts) {
  Table table({"CURRENT", "NAME", "SERVER", "CREDENTIAL", "TLS"});
  for (const auto& entry : contexts) {
    std::string tls = entry["insecure"].get<bool>() ? "insecure"
                      : entry["cacert"].get<std::string>().empty()
                          ? "system"
                          : entry["cacert"].get<std::string>();
    table.add_row({entry["current"].get<bool>() ? "*" : "", entry["name"], entry["server"],
                   entry["credential"], tls});
  }
  return table;
}

void run_list(CliContext& context, bool quiet) {
  ContextStore store = open_store();
  nlohmann::json contexts = nlohmann::json::array();
  View view;
  for (const Context& entry : store.contexts()) {
    contexts.push_back(context_json(store, entry));
    view.ids.push_back(entry.name);
  }
  view.document = {{"contexts", contexts}, {"current_context", store.current_name()}};
  view.table = [contexts] { return contexts_table(contexts); };
  if (contexts.empty()) view.message = "no contexts yet: smgctl context set NAME --server URL";
  print_view(context, view, quiet);
}

void run_current(CliContext& context) {
  ContextStore store = open_store();
  std::optional<Context> current = store.current();
  if (!current) throw CommandError(kExitFailure, "no current context (smgctl context use NAME)");
  View view;
  view.document = context_json(store, *current);
  view.message = current->name;
  view.ids = {current->name};
  print_view(context, view);
}

void register_set(CLI::App& group, CliContext& context) {
  auto options = std::make_shared<SetOptions>();
  auto* set = group.add_subcommand("set", "Create or update a context");
  set->add_option("NAME", options->name, "Context name")->required();
  set->add_option("--server", options->server, "Gateway URL (required for a new context)");
  set->add_flag("--token-stdin", options->token_stdin,
                "Read an API key from stdin (or a no-echo prompt) and store it");
  set->add_option("--cacert", options->cacert, "CA bundle (PEM) to trust for this gateway");
  auto* insecure = set->add_flag("--insecure,!--no-insecure", options->insecure,
                                 "Skip TLS certificate verification for this gateway");
  set->callback(
      [&context, options, insecure] { run_set(context, *options, insecure->count() > 0); });
}

}  // namespace

void register_context_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("context", "Named gateways and their credentials");
  group->require_subcommand(1);
  register_set(*group, context);

  auto quiet = std::make_shared<bool>(false);
  auto* list = group->add_subcommand("list", "List contexts (* marks the current one)");
  list->add_flag("-q,--quiet", *quiet, "Names only");
  list->callback([&context, quiet] { run_list(context, *quiet); });

  auto name = std::make_shared<std::string>();
  auto* use = group->add_subcommand("use", "Make a context the current one");
  use->add_option("NAME", *name, "Context name")->required();
  use->callback([&context, name] {
    ContextStore store = open_store();
    check(store.use(*name));
    *context.out << "switched to context \"" << *name << "\"\n";
  });

  group->add_subcommand("current", "Print the current context")->callback([&context] {
    run_current(context);
  });

  auto* remove = group->add_subcommand("delete", "Delete a context and its stored credential");
  remove->add_option("NAME", *name, "Context name")->required();
  remove->callback([&context, name] {
    ContextStore store = open_store();
    check(store.remove(*name));
    *context.out << "context \"" << *name << "\" deleted\n";
  });
}

}  // namespace smg::cli
