// One way every smgctl command prints a result: the same data as a table, JSON, YAML or ids only.
//
// The format is -o when given, else a table, on a terminal or not: what an admin sees is what a
// script gets unless it asks for `-o json` / `-o yaml` (stable shapes) or `-q` (one id per line).
//
//   View view;
//   view.document = {{"workers", workers}};          // -o json / -o yaml
//   view.table = [&] { Table t({"ID", "URL"}); ...; return t; };
//   view.ids = {id1, id2};                           // -q
//   print_view(context, view, quiet);
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/output/table.h"

namespace smg::cli {

enum class OutputFormat { kTable, kJson, kYaml };

OutputFormat output_format(const CliContext& context);

struct View {
  nlohmann::json document;
  std::function<Table()> table;  // may be empty: then the table format prints `message`
  std::vector<std::string> ids;
  std::string message;  // a one-line human summary (e.g. "worker removed")
};

// -q prints ids (or nothing when the view has none); otherwise the chosen format.
void print_view(CliContext& context, const View& view, bool quiet = false);

}  // namespace smg::cli
