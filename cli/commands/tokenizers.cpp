// smgctl tokenizers list|get|add|remove: the gateway's /v1/tokenizers API (SMG's shape). The
// gateway answers 501 not_implemented today; smgctl prints its message and exits 1.
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

void register_add_remove(CLI::App& group, CliContext& context) {
  auto quiet = std::make_shared<bool>(false);
  auto id = std::make_shared<std::string>();
  auto source = std::make_shared<std::string>();
  auto* add = group.add_subcommand("add", "Register a tokenizer");
  add->add_option("NAME", *id, "Tokenizer name")->required();
  add->add_option("--source", *source, "Hugging Face id or path on the gateway")->required();
  add->add_flag("-q,--quiet", *quiet, "Tokenizer id only");
  add->callback([&context, id, source, quiet] {
    json body = {{"name", *id}, {"source", *source}};
    json answer =
        require_ok(GatewayClient(resolve_target(context)).call("POST", "/v1/tokenizers", &body));
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
