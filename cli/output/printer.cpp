#include "cli/output/printer.h"

#include "cli/output/color.h"
#include "cli/output/structured.h"

namespace smg::cli {

OutputFormat output_format(const CliContext& context) {
  if (context.json_output()) return OutputFormat::kJson;
  if (context.yaml_output()) return OutputFormat::kYaml;
  return OutputFormat::kTable;
}

void print_view(CliContext& context, const View& view, bool quiet) {
  std::ostream& out = *context.out;
  if (quiet) {
    for (const std::string& id : view.ids) out << one_line(id) << "\n";
    return;
  }
  switch (output_format(context)) {
    case OutputFormat::kJson:
      print_json(out, view.document);
      return;
    case OutputFormat::kYaml:
      print_yaml(out, view.document);
      return;
    case OutputFormat::kTable:
      break;
  }
  if (view.table) {
    view.table().print(out, color_enabled(context));
  }
  if (!view.message.empty()) out << one_line(view.message) << "\n";
}

}  // namespace smg::cli
