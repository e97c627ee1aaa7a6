// Completion candidates from the live CLI11 tree: the one source for the shell's TAB, the hidden
// `smgctl __complete` command and, through it, the bash/zsh/fish scripts. Nothing is listed by
// hand, so a command group added to cli/app.cpp completes everywhere at once.
// Hidden commands (CLI11 group "") are never offered.
//
//   auto app = make_app(context);
//   std::vector<Candidate> c = complete(*app, {"jwt"}, "v", sources);   // {"verify", "..."}
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace smg::cli::completion {

struct Candidate {
  std::string word;
  std::string description;  // may be empty; shown by zsh and fish
};

// Values that only a running gateway knows. Each returns an empty list on any failure: a
// completion never prints an error or blocks for long.
struct DynamicSources {
  std::function<std::vector<std::string>()> worker_ids;
  std::function<std::vector<std::string>()> context_names;  // --context, context use|delete
};

// Candidates for `current`, the word being typed after `words` (the words before it, without the
// program name). Global options among `words` are applied to the app's bound variables, so a
// dynamic source reading the CliContext sees `--server URL` typed on the same line.
std::vector<Candidate> complete(CLI::App& root, const std::vector<std::string>& words,
                                const std::string& current, const DynamicSources& sources);

// The non-option words of a command line in order (subcommand names, then positionals), option
// values skipped: {"--server", "U", "workers", "get", "-o", "json", "ID"} → {workers, get, ID}.
std::vector<std::string> command_words(CLI::App& root, const std::vector<std::string>& words);

// The allowed values of an option checked with CLI::IsMember ({"table", "json", "yaml"}), read
// from its type name; empty when the option has no fixed set.
std::vector<std::string> option_choices(const CLI::Option& option);

// The subcommands and named options shown in completion and man pages, in definition order
// (CLI11's group "" hides a command or option).
std::vector<const CLI::App*> visible_subcommands(const CLI::App& command);
std::vector<const CLI::Option*> visible_options(const CLI::App& command);

}  // namespace smg::cli::completion
