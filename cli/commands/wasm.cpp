// smgctl wasm list|add|remove: the gateway's /wasm module API (SMG's shape). The gateway answers
// 501 not_implemented today; smgctl prints its message and exits 1.
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"
#include "common/http/form.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct AddOptions {
  std::string name;
  std::string file;
  std::string module_type = "Middleware";
  bool quiet = false;
};

Table modules_table(const json& modules) {
  Table table({"ID", "NAME", "TYPE", "FILE"});
  for (const json& module : modules) {
    table.add_row({cell(module, "module_uuid"), cell(module, "name"), cell(module, "module_type"),
                   cell(module, "file_path")});
  }
  return table;
}

void print_modules(CliContext& context, const json& document, const json& modules, bool quiet) {
  View view;
  view.document = document;
  view.table = [modules] { return modules_table(modules); };
  for (const json& module : modules) view.ids.push_back(cell(module, "module_uuid"));
  print_view(context, view, quiet);
}

}  // namespace

void register_wasm_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("wasm", "Manage a gateway's WASM modules");
  group->require_subcommand(1);

  auto quiet = std::make_shared<bool>(false);
  auto* list = group->add_subcommand("list", "List WASM modules");
  list->add_flag("-q,--quiet", *quiet, "Module ids only");
  list->callback([&context, quiet] {
    json answer = require_ok(GatewayClient(resolve_target(context)).call("GET", "/wasm"));
    print_modules(context, answer, array_at(answer, "modules"), *quiet);
  });

  auto options = std::make_shared<AddOptions>();
  auto* add = group->add_subcommand("add", "Load a WASM module on the gateway");
  add->add_option("NAME", options->name, "Module name")->required();
  add->add_option("--file", options->file, "Path of the .wasm file on the gateway")->required();
  add->add_option("--type", options->module_type, "Module type")->capture_default_str();
  add->add_flag("-q,--quiet", options->quiet, "Module ids only");
  add->callback([&context, options] {
    json module = {{"name", options->name},
                   {"file_path", options->file},
                   {"module_type", options->module_type}};
    json body = {{"modules", json::array({module})}};
    json answer = require_ok(GatewayClient(resolve_target(context)).call("POST", "/wasm", &body));
    print_modules(context, answer, array_at(answer, "modules"), options->quiet);
  });

  auto id = std::make_shared<std::string>();
  auto* remove = group->add_subcommand("remove", "Unload a WASM module");
  remove->add_option("ID", *id, "Module id")->required();
  remove->callback([&context, id] {
    json answer = require_ok(GatewayClient(resolve_target(context))
                                 .call("DELETE", "/wasm/" + http::percent_encode(*id)));
    View view;
    view.document = answer;
    view.message = "module " + *id + " removed";
    print_view(context, view);
  });
}

}  // namespace smg::cli
