// smgctl completion bash|zsh|fish: prints a completion script; and the hidden
// `smgctl __complete -- WORDS... CURRENT` those scripts call: one candidate per line,
// "word<TAB>description", computed from this very command tree (cli/completion/completer.h).
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "cli/completion/completer.h"
#include "cli/completion/context_names.h"
#include "cli/completion/scripts.h"
#include "cli/completion/worker_ids.h"

namespace smg::cli {
namespace {

void print_candidates(CLI::App& root, CliContext& context, std::vector<std::string> words) {
  std::string current;
  if (!words.empty()) {
    current = std::move(words.back());
    words.pop_back();
  }
  completion::DynamicSources sources;
  sources.worker_ids = [&context] { return completion::fetch_worker_ids(context); };
  sources.context_names = completion::stored_context_names;
  for (const auto& candidate : completion::complete(root, words, current, sources)) {
    *context.out << candidate.word;
    if (!candidate.description.empty()) {
      *context.out << '\t' << candidate.description;
    }
    *context.out << '\n';
  }
}

}  // namespace

void register_completion_commands(CLI::App& app, CliContext& context) {
  auto* completion = app.add_subcommand(
      "completion", "Print a shell completion script: source <(smgctl completion bash)");
  completion->require_subcommand(1);
  for (std::string_view shell : completion::completion_shells()) {
    const std::string name(shell);
    auto* sub = completion->add_subcommand(name, "Print the " + name + " completion script");
    sub->callback([&context, shell] { *context.out << *completion::completion_script(shell); });
  }

  auto* complete = app.add_subcommand("__complete", "Print completion candidates")->group("");
  auto words = std::make_shared<std::vector<std::string>>();
  complete->add_option("words", *words, "The words typed so far (after --), the last one partial");
  complete->callback([&app, &context, words] { print_candidates(app, context, *words); });
}

}  // namespace smg::cli
