// smgctl wasm list|add|remove: the gateway's /wasm module API (SMG's shapes).
//
//   smgctl wasm add logging.wasm --name logging --attach on-response      # uploads the file
//   smgctl wasm add /srv/wasm/auth.wasm --path --name auth --attach on-request --fail-closed
//   smgctl wasm list                                                      # modules + metrics
//   smgctl wasm remove 0b7c1f6e-8a47-4bde-9d3c-2f1e5a6b7c8d
//
// A local file is sent as wasm_base64 (a .wat text file is compiled here first); --path sends
// the name of a file on the gateway host instead, which the gateway checks with SMG's rules.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"
#include "common/crypto/crypto.h"
#include "common/http/form.h"
#include "common/wasm/wat.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct AddOptions {
  std::string file;
  std::string name;
  std::vector<std::string> attach;
  bool on_gateway = false;
  bool fail_closed = false;
  bool quiet = false;
};

std::string attach_text(const json& meta) {
  std::string text;
  for (const json& point : array_at(meta, "attach_points")) {
    std::string where = cell(point, "Middleware");
    std::string name = where == "OnRequest"    ? "on-request"
                       : where == "OnResponse" ? "on-response"
                                               : where;
    text += (text.empty() ? "" : ",") + name;
  }
  return text;
}

Table modules_table(const json& modules) {
  Table table({"ID", "NAME", "ATTACH", "SIZE", "CALLS", "FAIL", "FILE"});
  for (const json& module : modules) {
    json meta = module.value("module_meta", json::object());
    table.add_row({cell(module, "module_uuid"), cell(meta, "name"), attach_text(meta),
                   cell(meta, "size_bytes"), cell(meta, "access_count"),
                   meta.value("fail_closed", false) ? "closed" : "open", cell(meta, "file_path")});
  }
  return table;
}

std::string metrics_line(const json& metrics) {
  return "executions " + cell(metrics, "total_executions") + ", ok " +
         cell(metrics, "successful_executions") + ", failed " + cell(metrics, "failed_executions") +
         ", max " + cell(metrics, "max_execution_time_ms") + " ms";
}

std::string read_local_module(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CommandError(1, "cannot read " + file);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!file.ends_with(".wat")) return bytes.str();
  Result<std::string> compiled = wasm::compile_wat(bytes.str());
  if (!compiled.ok()) throw CommandError(1, file + ": " + compiled.status().message());
  return *compiled;
}

json attach_points(const std::vector<std::string>& attach) {
  json points = json::array();
  for (const std::string& where : attach) {
    if (where == "on-request") {
      points.push_back({{"Middleware", "OnRequest"}});
    } else if (where == "on-response") {
      points.push_back({{"Middleware", "OnResponse"}});
    } else {
      throw UsageError("--attach takes on-request and/or on-response, not " + where);
    }
  }
  return points;
}

json module_descriptor(const AddOptions& options) {
  json module = {{"name", options.name},
                 {"module_type", "Middleware"},
                 {"attach_points", attach_points(options.attach)},
                 {"fail_closed", options.fail_closed}};
  if (options.on_gateway) {
    module["file_path"] = options.file;
  } else {
    module["wasm_base64"] = crypto::base64_encode(read_local_module(options.file));
  }
  return module;
}

void register_add(CLI::App& group, CliContext& context) {
  auto options = std::make_shared<AddOptions>();
  auto* add = group.add_subcommand("add", "Load a WASM middleware module on the gateway");
  add->add_option("FILE", options->file, "Module file (.wasm, or .wat compiled here)")->required();
  add->add_option("--name", options->name, "Module name")->required();
  add->add_option("--attach", options->attach, "on-request, on-response or both")
      ->delimiter(',')
      ->required();
  add->add_flag("--path", options->on_gateway,
                "FILE is a path on the gateway host (else the file is uploaded)");
  add->add_flag("--fail-closed", options->fail_closed,
                "A failing module fails the request (500) instead of being skipped");
  add->add_flag("-q,--quiet", options->quiet, "Module id only");
  add->callback([&context, options] {
    json body = {{"modules", json::array({module_descriptor(*options)})}};
    json answer = require_ok(GatewayClient(resolve_target(context)).call("POST", "/wasm", &body));
    json module = array_at(answer, "modules").empty() ? json::object() : answer["modules"][0];
    std::string uuid = cell(module.value("add_result", json::object()), "Success");
    View view;
    view.document = answer;
    view.ids = {uuid};
    view.message = "module " + options->name + " added: " + uuid;
    print_view(context, view, options->quiet);
  });
}

}  // namespace

void register_wasm_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("wasm", "Manage a gateway's WASM modules");
  group->require_subcommand(1);

  auto quiet = std::make_shared<bool>(false);
  auto* list = group->add_subcommand("list", "List WASM modules and their execution metrics");
  list->add_flag("-q,--quiet", *quiet, "Module ids only");
  list->callback([&context, quiet] {
    json answer = require_ok(GatewayClient(resolve_target(context)).call("GET", "/wasm"));
    json modules = array_at(answer, "modules");
    View view;
    view.document = answer;
    view.table = [modules] { return modules_table(modules); };
    for (const json& module : modules) view.ids.push_back(cell(module, "module_uuid"));
    print_view(context, view, *quiet);
    if (!*quiet && output_format(context) == OutputFormat::kTable) {
      *context.out << metrics_line(answer.value("metrics", json::object())) << "\n";
    }
  });

  register_add(*group, context);

  auto id = std::make_shared<std::string>();
  auto* remove = group->add_subcommand("remove", "Unload a WASM module");
  remove->add_option("UUID", *id, "Module id")->required();
  remove->callback([&context, id] {
    // 200 text "Module removed successfully"; an unknown id fails (404) inside require_ok.
    require_ok(GatewayClient(resolve_target(context))
                   .call("DELETE", "/wasm/" + http::percent_encode(*id)));
    View view;
    view.document = {{"module_uuid", *id}, {"removed", true}};
    view.message = "module " + *id + " removed";
    print_view(context, view);
  });
}

}  // namespace smg::cli
