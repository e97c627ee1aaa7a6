// smgctl parse reasoning|function-call: SMG's /parse/* helpers, which split model output into
// reasoning and answer, or extract tool calls. The text comes from --text or
// stdin. By default the gateway parses; --offline runs the same parsers (common/parsers) here
// and prints what the gateway would answer.
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/output/json_cells.h"
#include "cli/output/printer.h"
#include "cli/remote/gateway_client.h"
#include "common/parsers/reasoning_parser.h"
#include "common/parsers/tool_call_parser.h"

namespace smg::cli {
namespace {

using nlohmann::json;

struct ParseOptions {
  std::string text;
  std::string parser;
  std::string tools_file;  // function-call: a JSON array of OpenAI tool definitions
  bool offline = false;
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

void require_parser(const ParseOptions& options) {
  if (options.parser.empty()) throw UsageError("--offline needs --parser NAME");
}

// What /parse/function_call answers, computed here.
json offline_function_call(const std::string& text, const ParseOptions& options,
                           const json& tools) {
  require_parser(options);
  auto format = parsers::make_tool_call_format(options.parser);
  if (format == nullptr) throw UsageError("Unknown tool parser: " + options.parser);
  auto specs = parsers::tool_specs_from_json(tools);
  if (!specs.ok()) throw UsageError("--tools: " + specs.status().message());
  auto result = format->parse(text, *specs);
  json calls = json::array();
  for (const auto& call : result.calls) {
    calls.push_back({{"function", {{"name", call.name}, {"arguments", call.arguments}}}});
  }
  return {{"remaining_text", result.remaining_text}, {"tool_calls", calls}, {"success", true}};
}

json offline_reasoning(const std::string& text, const ParseOptions& options) {
  require_parser(options);
  auto format = parsers::make_reasoning_format(options.parser);
  if (format == nullptr) throw UsageError("Unknown reasoning parser: " + options.parser);
  auto result = format->parse(text);
  if (!result.ok()) {
    throw CommandError(kExitFailure, "Failed to separate reasoning: " + result.status().message());
  }
  return {{"normal_text", result->normal_text},
          {"reasoning_text", result->reasoning_text},
          {"success", true}};
}

}  // namespace

void register_parse_commands(CLI::App& app, CliContext& context) {
  auto* group = app.add_subcommand("parse", "Parse model output with the gateway's parsers");
  group->require_subcommand(1);
  auto options = std::make_shared<ParseOptions>();

  auto* reasoning = group->add_subcommand("reasoning", "Split reasoning from the answer");
  reasoning->add_option("--text", options->text, "Model output (default: stdin)");
  reasoning->add_option("--parser", options->parser, "Reasoning parser, e.g. deepseek_r1");
  reasoning->add_flag("--offline", options->offline,
                      "Parse here with the same parsers instead of asking the gateway");
  reasoning->callback([&context, options] {
    std::string text = input_text(context, *options);
    if (options->offline) return print_fields(context, offline_reasoning(text, *options));
    json body = {{"text", text}};
    if (!options->parser.empty()) body["reasoning_parser"] = options->parser;
    print_fields(
        context,
        require_ok(GatewayClient(resolve_target(context)).call("POST", "/parse/reasoning", &body)));
  });

  auto* function_call = group->add_subcommand("function-call", "Extract tool calls");
  function_call->add_option("--text", options->text, "Model output (default: stdin)");
  function_call->add_option("--parser", options->parser, "Tool-call parser, e.g. json");
  function_call->add_option("--tools", options->tools_file, "JSON file with the tools array");
  function_call->add_flag("--offline", options->offline,
                          "Parse here with the same parsers instead of asking the gateway");
  function_call->callback([&context, options] {
    std::string text = input_text(context, *options);
    json tools = read_tools(options->tools_file);
    if (options->offline) {
      return print_fields(context, offline_function_call(text, *options, tools));
    }
    json body = {{"text", text}, {"tools", tools}};
    if (!options->parser.empty()) body["tool_call_parser"] = options->parser;
    print_fields(
        context,
        require_ok(
            GatewayClient(resolve_target(context)).call("POST", "/parse/function_call", &body)));
  });
}

}  // namespace smg::cli
