// What smgctl prints when a command line does not parse: CLI11's messages rewritten in plain
// words that name the command, what was wrong (in the order it was typed) and what to do, with
// the commands of that level and a "did you mean" where a word was unknown.
//
//   catch (const CLI::ParseError& e) { err << describe_parse_error(*app, e); }
//
//   smgctl workers: unknown command "rm"; did you mean "remove"?
//
//   Commands of smgctl workers:
//     add      Register a worker
//     ...
//   Run 'smgctl workers --help' for more.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace smg::cli {

// "smgctl workers add": the words naming `app` from the root.
std::string command_path(const CLI::App& app);

// The deepest command the parse reached (the root when none was).
const CLI::App& parsed_command(const CLI::App& root);

// The visible subcommands of `app`, one per line with their descriptions.
std::string command_list(const CLI::App& app);

// The whole message for `error`, raised while parsing under `root`, ending in a newline.
std::string describe_parse_error(const CLI::App& root, const CLI::ParseError& error);

// For `smgctl help WORDS...`: the command the words name, or an error message (unknown word,
// with suggestions) in `error`.
const CLI::App* find_command(const CLI::App& root, const std::vector<std::string>& words,
                             std::string& error);

}  // namespace smg::cli
