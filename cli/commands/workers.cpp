// smgctl workers list|get|add|remove|update: the gateway's /workers API.
// A worker's API key comes from stdin or a no-echo prompt (--api-key-stdin), never argv, and the
// gateway never returns it.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/input/password_input.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"
#include "cli/remote/wait_ready.h"
#include "cli/remote/worker_ref.h"
#include "cli/usage/duration_option.h"
#include "common/http/form.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct WorkerFields {
  std::string model_id;
  bool api_key_stdin = false;
  std::optional<int> priority;
  std::optional<double> cost;
  std::vector<std::string> labels;         // k=v
  std::vector<std::string> remove_labels;  // update only
};

struct AddOptions {
  std::string url;
  WorkerFields fields;
  bool wait = false;
  std::chrono::milliseconds timeout{60000};
  bool quiet = false;
};

Table workers_table(const json& workers) {
  Table table({"ID", "URL", "MODEL", "STATUS", "LOAD", "PRIORITY", "COST", "LABELS"});
  for (const json& worker : workers) {
    table.add_row({cell(worker, "id"), cell(worker, "url"), cell(worker, "model_id"),
                   cell(worker, "status"), cell(worker, "load"), cell(worker, "priority"),
                   cell(worker, "cost"), cell(worker, "labels")});
  }
  return table;
}

void print_workers(CliContext& context, const json& document, const json& workers, bool quiet) {
  View view;
  view.document = document;
  view.table = [workers] { return workers_table(workers); };
  for (const json& worker : workers) view.ids.push_back(cell(worker, "id"));
  print_view(context, view, quiet);
}

// One worker, and under its table row why its last health check failed (when it did).
void print_worker(CliContext& context, const json& worker, bool quiet) {
  View view;
  view.document = worker;
  view.table = [worker] { return workers_table(json::array({worker})); };
  view.ids.push_back(cell(worker, "id"));
  if (auto error = worker.find("last_error"); error != worker.end() && error->is_string()) {
    view.message = "last health check: " + error->get<std::string>();
  }
  print_view(context, view, quiet);
}

json label_patch(const WorkerFields& fields) {
  json labels = json::object();
  for (const std::string& label : fields.labels) {
    auto equals = label.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError("--label must look like key=value, got \"" + label + "\"");
    }
    labels[label.substr(0, equals)] = label.substr(equals + 1);
  }
  for (const std::string& key : fields.remove_labels) labels[key] = nullptr;
  return labels;
}

// The JSON fields the flags ask for; the API key is read here, after every flag checked out.
json worker_body(CliContext& context, const WorkerFields& fields) {
  json body = json::object();
  if (!fields.model_id.empty()) body["model_id"] = fields.model_id;
  if (fields.priority) body["priority"] = *fields.priority;
  if (fields.cost) body["cost"] = *fields.cost;
  json labels = label_patch(fields);
  if (!labels.empty()) body["labels"] = labels;
  if (fields.api_key_stdin) {
    crypto::Secret key = read_password(context, {.confirm = false, .prompt = "Worker API key: "});
    body["api_key"] = key.reveal();
  }
  return body;
}

void run_add(CliContext& context, const AddOptions& options) {
  auto timeout = options.timeout;
  if (timeout.count() <= 0) throw UsageError("--timeout must be more than 0s");
  json body = worker_body(context, options.fields);
  body["url"] = options.url;
  GatewayClient client(resolve_target(context));
  json accepted = require_ok(client.call("POST", "/workers", &body));
  std::string id = cell(accepted, "worker_id");
  if (options.wait) {
    json worker = require_ok(wait_until_ready(client, id, timeout, context));
    print_workers(context, worker, json::array({worker}), options.quiet);
    return;
  }
  View view;
  view.document = accepted;
  view.ids = {id};
  view.table = [accepted, id] {
    Table table({"ID", "URL", "STATUS"});  // the same header as workers list
    table.add_row({id, cell(accepted, "url"), cell(accepted, "status")});
    return table;
  };
  print_view(context, view, options.quiet);
}

// A worker named by id, unique id prefix or URL: the full id (one GET /workers when not whole).
std::string worker_id_for(const GatewayClient& client, const std::string& text) {
  if (is_full_worker_id(text)) return text;
  json listed = require_ok(client.call("GET", "/workers"));
  auto id = match_worker(array_at(listed, "workers"), text);
  if (!id.ok()) throw CommandError(exit_code_for(id.status()), id.status().message());
  return *id;
}

void add_field_flags(CLI::App& command, WorkerFields& fields) {
  // --model, as everywhere else in smgctl; --model-id (SMG's field name) still works.
  command.add_option("--model,--model-id", fields.model_id, "Model the worker serves");
  command.add_flag("--api-key-stdin", fields.api_key_stdin,
                   "Read the worker's API key from stdin (or a no-echo prompt)");
  command.add_option("--priority", fields.priority, "Routing priority (non-negative)");
  command.add_option("--cost", fields.cost, "Routing cost (non-negative)");
  command.add_option("--label", fields.labels, "Label key=value (repeatable)");
}

void register_list_get(CLI::App& group, CliContext& context) {
  auto model = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto* list = group.add_subcommand("list", "List workers");
  list->add_option("--model", *model, "Only workers serving this model");
  list->add_flag("-q,--quiet", *quiet, "Worker ids only");
  list->callback([&context, model, quiet] {
    GatewayClient client(resolve_target(context));
    std::string path = "/workers";
    if (!model->empty()) path += "?model=" + http::percent_encode(*model);
    json answer = require_ok(client.call("GET", path));
    print_workers(context, answer, array_at(answer, "workers"), *quiet);
  });

  auto id = std::make_shared<std::string>();
  auto* get = group.add_subcommand("get", "Show one worker");
  get->add_option("WORKER", *id, "Worker id, unique id prefix or URL")->required();
  get->add_flag("-q,--quiet", *quiet, "Worker id only");
  get->callback([&context, id, quiet] {
    GatewayClient client(resolve_target(context));
    std::string worker_id = worker_id_for(client, *id);
    json worker = require_ok(client.call("GET", "/workers/" + http::percent_encode(worker_id)));
    print_worker(context, worker, *quiet);
  });
}

void register_add(CLI::App& group, CliContext& context) {
  auto options = std::make_shared<AddOptions>();
  auto* add = group.add_subcommand("add", "Register a worker (202: health checks start)");
  add->add_option("URL", options->url, "Worker base URL, e.g. http://10.0.0.7:8000")->required();
  add_field_flags(*add, options->fields);
  add->add_flag("--wait", options->wait, "Wait until the worker is ready");
  add_duration_option(*add, "--timeout", options->timeout, "How long --wait waits (90, 30s, 5m)",
                      "60s");
  add->add_flag("-q,--quiet", options->quiet, "Worker id only");
  add->callback([&context, options] { run_add(context, *options); });
}

void register_remove_update(CLI::App& group, CliContext& context) {
  auto id = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto* remove = group.add_subcommand("remove", "Remove a worker (in-flight requests drain)");
  remove->add_option("WORKER", *id, "Worker id, unique id prefix or URL")->required();
  remove->add_flag("-q,--quiet", *quiet, "Worker id only");
  remove->callback([&context, id, quiet] {
    GatewayClient client(resolve_target(context));
    std::string worker_id = worker_id_for(client, *id);
    json answer =
        require_ok(client.call("DELETE", "/workers/" + http::percent_encode(worker_id)));
    View view;
    view.document = answer;
    view.ids = {worker_id};
    view.message = cell(answer, "message");
    print_view(context, view, *quiet);
  });

  auto fields = std::make_shared<WorkerFields>();
  auto* update = group.add_subcommand("update", "Change a worker's mutable fields (merge)");
  update->add_option("WORKER", *id, "Worker id, unique id prefix or URL")->required();
  add_field_flags(*update, *fields);
  update->add_option("--remove-label", fields->remove_labels, "Label key to remove (repeatable)");
  update->add_flag("-q,--quiet", *quiet, "Worker id only");
  update->callback([&context, id, fields, quiet] {
    json body = worker_body(context, *fields);
    if (body.empty()) throw UsageError("nothing to update: pass at least one field flag");
    GatewayClient client(resolve_target(context));
    std::string worker_id = worker_id_for(client, *id);
    json worker =
        require_ok(client.call("PATCH", "/workers/" + http::percent_encode(worker_id), &body));
    print_workers(context, worker, json::array({worker}), *quiet);
  });
}

}  // namespace

void register_workers_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("workers", "Manage a gateway's workers");
  group->require_subcommand(1);
  register_list_get(*group, context);
  register_add(*group, context);
  register_remove_update(*group, context);
}

}  // namespace smg::cli
