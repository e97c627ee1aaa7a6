// smgctl policy check: asks the policy engine the gateway would build from a
// policy file or a config's `server.admin_auth.authorization` whether SUBJECT may do ACTION on
// OBJECT in DOMAIN. Exit 0 allow, 1 deny, 2 on a usage or policy error (one line on stderr).
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "common/policy/enforcer.h"
#include "common/policy/policy_csv.h"
#include "common/policy/policy_yaml.h"

namespace smg::cli {
namespace {

struct CheckOptions {
  std::string policy_file;
  std::string config;
  std::string subject;
  std::string domain;
  std::string object;
  std::string action;
};

policy::Enforcer load_enforcer(const CheckOptions& options) {
  if (options.policy_file.empty() == options.config.empty()) {
    throw UsageError("policy check: give exactly one of --policy-file or --config");
  }
  Result<policy::ParsedPolicy> parsed = options.config.empty()
                                            ? policy::load_policy_file(options.policy_file)
                                            : policy::load_policy_from_config(options.config);
  if (!parsed.ok()) {
    throw CommandError(kExitUsage, parsed.status().message());
  }
  return policy::Enforcer::build(std::move(*parsed));
}

std::string join_chain(const std::vector<std::string>& chain) {
  std::string joined;
  for (const std::string& name : chain) {
    joined += (joined.empty() ? "" : " -> ") + name;
  }
  return joined;
}

void print_decision(CliContext& context, const std::optional<policy::PolicyRule>& rule,
                    const std::vector<std::string>& chain) {
  if (context.json_output()) {
    nlohmann::json doc{{"allowed", rule.has_value()}, {"rule", nullptr}, {"roles", chain}};
    if (rule) {
      doc["rule"] = {rule->sub, rule->dom, rule->obj, rule->act};
    }
    *context.out << doc.dump() << "\n";
    return;
  }
  if (!rule) {
    *context.out << "deny\n";
    return;
  }
  *context.out << "allow\n"
               << "  rule: "
               << policy::format_csv_line({"p", rule->sub, rule->dom, rule->obj, rule->act})
               << "\n";
  if (chain.size() > 1) {
    *context.out << "  via g: " << join_chain(chain) << "\n";
  }
}

void run_check(CliContext& context, const CheckOptions& options) {
  const policy::Enforcer enforcer = load_enforcer(options);
  const std::optional<policy::PolicyRule> rule =
      enforcer.explain(options.subject, options.domain, options.object, options.action);
  std::vector<std::string> chain;
  if (rule) {
    chain = enforcer.role_chain(options.subject, rule->sub, options.domain);
  }
  print_decision(context, rule, chain);
  context.exit_code = rule ? kExitOk : kExitFailure;
}

void register_check_command(CLI::App& group, CliContext& context) {
  auto options = std::make_shared<CheckOptions>();
  auto* cmd = group.add_subcommand(
      "check",
      "Decide SUBJECT DOMAIN OBJECT ACTION: prints allow + the matching rule and its g chain "
      "(exit 0), or deny (exit 1); -o json: {allowed, rule, roles}");
  auto* file = cmd->add_option("--policy-file", options->policy_file, "Casbin CSV policy file");
  auto* config = cmd->add_option(
      "--config", options->config,
      "YAML config: reads server.admin_auth.authorization.policy and .policy_file");
  file->excludes(config);
  cmd->add_option("SUBJECT", options->subject, "e.g. basic:admin, caller:<token_id>")->required();
  cmd->add_option("DOMAIN", options->domain, "e.g. example/prod")->required();
  cmd->add_option("OBJECT", options->object, "e.g. admin:reports, metrics")->required();
  cmd->add_option("ACTION", options->action, "e.g. read, export")->required();
  cmd->callback([&context, options] { run_check(context, *options); });
}

}  // namespace

void register_policy_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("policy", "Inspect Casbin authorization policy");
  group->require_subcommand(1);
  register_check_command(*group, context);
}

}  // namespace smg::cli
