// smgctl loads and smgctl flush-cache: per-worker load (GET /get_loads) and a cache flush on every
// worker (POST /flush_cache). A partial flush (206) prints the failures and exits 1.
#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"

namespace smg::cli {
namespace {

using nlohmann::json;

void run_loads(CliContext& context) {
  json answer = require_ok(GatewayClient(resolve_target(context)).call("GET", "/get_loads"));
  json workers = array_at(answer, "workers");
  View view;
  view.document = answer;
  view.table = [workers] {
    Table table({"WORKER", "LOAD"});
    for (const json& worker : workers)
      table.add_row({cell(worker, "worker"), cell(worker, "load")});
    return table;
  };
  for (const json& worker : workers) view.ids.push_back(cell(worker, "worker"));
  print_view(context, view);
}

void run_flush(CliContext& context) {
  json answer = require_ok(GatewayClient(resolve_target(context)).call("POST", "/flush_cache"));
  json failed = array_at(answer, "failed");
  View view;
  view.document = answer;
  view.message = cell(answer, "message");
  if (!failed.empty()) {
    view.table = [failed] {
      Table table({"FAILED_WORKER", "ERROR"});
      for (const json& entry : failed) table.add_row({cell(entry, "worker"), cell(entry, "error")});
      return table;
    };
    context.exit_code = kExitFailure;
  }
  print_view(context, view);
}

}  // namespace

void register_loads_commands(CLI::App& app, CliContext& context) {
  app.add_subcommand("loads", "Show each worker's in-flight load")->callback([&context] {
    run_loads(context);
  });
  app.add_subcommand("flush-cache", "Flush the KV cache on every worker")->callback([&context] {
    run_flush(context);
  });
}

}  // namespace smg::cli
