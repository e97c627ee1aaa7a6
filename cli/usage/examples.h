// Examples for every command, kept in one table (examples.cpp) keyed by the command's words, and
// put into the command tree: `--help` ends with them and the man pages print them under
// EXAMPLES, both from the command's footer. Every subcommand's help also ends with a line
// pointing at the global flags. A test checks that every visible command has examples and
// that every table entry names a real command.
//
//   auto app = make_app(context);   // make_app calls add_examples(*app)
//   split_footer(app->get_subcommand("workers")->get_footer()).examples
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

namespace smg::cli {

// Command words ("workers add") → example lines (each a full command, "# ..." lines comment).
const std::map<std::string, std::vector<std::string>>& example_table();

// Appends the examples and the global-flags line to every command's footer.
void add_examples(CLI::App& root);

struct FooterParts {
  std::string text;                   // what the footer said before the examples
  std::vector<std::string> examples;  // the example lines, without indentation
};
// Splits a footer written by add_examples back into its parts (for the man pages).
FooterParts split_footer(const std::string& footer);

}  // namespace smg::cli
