// smgctl tokenizers list|get|add|remove: the gateway's /v1/tokenizers API (SMG's shape).
// `add NAME SOURCE --wait` polls the job's status until it is completed or failed, showing the
// state on stderr when stderr is a terminal.
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands/commands.h"
#include "cli/usage/duration_option.h"
#include "cli/exit_codes.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"
#include "common/http/form.h"

namespace smg::cli {
namespace {

using nlohmann::json;

Table tokenizers_table(const json& tokenizers) {
  Table table({"ID", "NAME", "SOURCE"});
  for (const json& tokenizer : tokenizers) {
    table.add_row({cell(tokenizer, "id"), cell(tokenizer, "name"), cell(tokenizer, "source")});
  }
  return table;
}

void print_tokenizers(CliContext& context, const json& document, const json& tokenizers,
                      bool quiet) {
  View view;
  view.document = document;
  view.table = [tokenizers] { return tokenizers_table(tokenizers); };
  for (const json& tokenizer : tokenizers) view.ids.push_back(cell(tokenizer, "id"));
  print_view(context, view, quiet);
}

std::string tokenizer_path(const std::string& id) {
  return "/v1/tokenizers/" + http::percent_encode(id);
}

void register_list_get(CLI::App& group, CliContext& context) {
  auto quiet = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  auto* list = group.add_subcommand("list", "List tokenizers");
  list->add_flag("-q,--quiet", *quiet, "Tokenizer ids only");
  list->callback([&context, quiet] {
    json answer = require_ok(GatewayClient(resolve_target(context)).call("GET", "/v1/tokenizers"));
    print_tokenizers(context, answer, array_at(answer, "tokenizers"), *quiet);
  });

  auto* get = group.add_subcommand("get", "Show one tokenizer");
  get->add_option("ID", *id, "Tokenizer id")->required();
  get->callback([&context, id] {
    json answer =
        require_ok(GatewayClient(resolve_target(context)).call("GET", tokenizer_path(*id)));
    print_tokenizers(context, answer, json::array({answer}), false);
  });
}

// Polls /v1/tokenizers/{id}/status until the job leaves pending/processing; throws on failure.
json wait_for_load(const GatewayClient& client, const std::string& id, std::chrono::seconds timeout,
                   CliContext& context) {
  const bool progress = context.err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    json status = require_ok(client.call("GET", tokenizer_path(id) + "/status"));
    std::string state = status.value("status", std::string("unknown"));
    auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    if (progress) {
      *context.err << "\rloading tokenizer " << id << ": " << state << " (" << waited.count() << "s)   "
                   << std::flush;
    }
    if (state == "completed" || state == "failed") {
      if (progress) *context.err << "\n";
      if (state == "failed") throw CommandError(kExitFailure, status.value("message", std::string("load failed")));
      return status;
    }
    if (std::chrono::steady_clock::now() - start >= timeout) {
      if (progress) *context.err << "\n";
      throw CommandError(kExitFailure, "tokenizer " + id + " is still " + state + " after " +
                                           std::to_string(timeout.count()) + "s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void register_add_remove(CLI::App& group, CliContext& context) {
  auto quiet = std::make_shared<bool>(false);
  auto wait = std::make_shared<bool>(false);
  auto timeout = std::make_shared<std::chrono::milliseconds>(std::chrono::minutes(10));
  auto id = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>();
  auto source_flag = std::make_shared<std::string>();
  auto* add = group.add_subcommand("add", "Register a tokenizer");
  add->add_option("NAME", *id, "Tokenizer name")->required();
  auto* positional = add->add_option("SOURCE", *source, "Hugging Face id or path on the gateway");
  add->add_option("--source", *source_flag, "The same as SOURCE")->excludes(positional);
  add->add_flag("-q,--quiet", *quiet, "Tokenizer id only");
  add->add_flag("--wait", *wait, "Wait until the load is completed or failed");
  add_duration_option(*add, "--wait-timeout", *timeout, "How long --wait waits (90, 30s, 10m)",
                      "10m");
  add->callback([&context, id, source, source_flag, quiet, wait, timeout] {
    std::string from = source->empty() ? *source_flag : *source;
    if (from.empty()) throw UsageError("tokenizers add: SOURCE is required");
    json body = {{"name", *id}, {"source", from}};
    GatewayClient client(resolve_target(context));
    json answer = require_ok(client.call("POST", "/v1/tokenizers", &body));
    if (*wait) {
      std::string job_id = answer.value("id", std::string());
      wait_for_load(client, job_id, std::chrono::duration_cast<std::chrono::seconds>(*timeout),
                    context);
      answer = require_ok(client.call("GET", tokenizer_path(job_id)));
    }
    print_tokenizers(context, answer, json::array({answer}), *quiet);
  });

  auto* remove = group.add_subcommand("remove", "Remove a tokenizer");
  remove->add_option("ID", *id, "Tokenizer id")->required();
  remove->callback([&context, id] {
    json answer =
        require_ok(GatewayClient(resolve_target(context)).call("DELETE", tokenizer_path(*id)));
    View view;
    view.document = answer;
    view.message = "tokenizer " + *id + " removed";
    print_view(context, view);
  });
}

}  // namespace

void register_tokenizers_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("tokenizers", "Manage a gateway's tokenizers");
  group->require_subcommand(1);
  register_list_get(*group, context);
  register_add_remove(*group, context);
}

}  // namespace smg::cli
