// smgctl parse reasoning|function-call: the gateway's /parse/* helpers (SMG's shapes), which
// split model output into reasoning and answer, or extract tool calls. The text comes from
// --text or stdin. The gateway answers 501 not_implemented today; smgctl prints its message and
// exits 1.
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct ParseOptions {
  std::string text;
  std::string parser;
  std::string tools_file;  // function-call: a JSON array of OpenAI tool definitions
};

std::string input_text(CliContext& context, const ParseOptions& options) {
  if (!options.text.empty()) return options.text;
  return std::string(std::istreambuf_iterator<char>(*context.in), std::istreambuf_iterator<char>());
}

void print_fields(CliContext& context, const json& answer) {
  View view;
  view.document = answer;
  view.table = [answer] {
    Table table({"FIELD", "VALUE"});
    if (answer.is_object()) {
      for (const auto& [key, value] : answer.items()) table.add_row({key, cell_text(value)});
    }
    return table;
  };
  print_view(context, view);
}

json read_tools(const std::string& path) {
  if (path.empty()) return json::array();
  std::ifstream in(path);
  json tools = json::parse(in, nullptr, false);
  if (!in.is_open() || tools.is_discarded() || !tools.is_array()) {
    throw UsageError("--tools must name a file holding a JSON array of tools");
  }
  return tools;
}

}  // namespace

void register_parse_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("parse", "Parse model output with the gateway's parsers");
  group->require_subcommand(1);
  auto options = std::make_shared<ParseOptions>();

  auto* reasoning = group->add_subcommand("reasoning", "Split reasoning from the answer");
  reasoning->add_option("--text", options->text, "Model output (default: stdin)");
  reasoning->add_option("--parser", options->parser, "Reasoning parser, e.g. deepseek-r1");
  reasoning->callback([&context, options] {
    json body = {{"text", input_text(context, *options)}};
    if (!options->parser.empty()) body["parser"] = options->parser;
    print_fields(
        context,
        require_ok(GatewayClient(resolve_target(context)).call("POST", "/parse/reasoning", &body)));
  });

  auto* function_call = group->add_subcommand("function-call", "Extract tool calls");
  function_call->add_option("--text", options->text, "Model output (default: stdin)");
  function_call->add_option("--parser", options->parser, "Tool-call parser, e.g. json");
  function_call->add_option("--tools", options->tools_file, "JSON file with the tools array");
  function_call->callback([&context, options] {
    json body = {{"text", input_text(context, *options)},
                 {"tools", read_tools(options->tools_file)}};
    if (!options->parser.empty()) body["tool_call_parser"] = options->parser;
    print_fields(
        context,
        require_ok(
            GatewayClient(resolve_target(context)).call("POST", "/parse/function_call", &body)));
  });
}

}  // namespace smg::cli
