#include "cli/shell/shell_session.h"

#include <algorithm>
#include <set>

#include "cli/app.h"
#include "cli/completion/completer.h"
#include "cli/completion/context_names.h"
#include "cli/completion/worker_ids.h"
#include "cli/exit_codes.h"
#include "cli/remote/target.h"
#include "cli/shell/tokenizer.h"
#include "common/text/suggest.h"

namespace smg::cli::shell {
namespace {

// Commands that own the terminal or the process until killed have no place in a REPL.
const std::set<std::string> kRefusedInShell = {"serve", "dev-worker", "shell"};

std::string host_of(const std::string& url) {
  auto scheme = url.find("://");
  return scheme == std::string::npos ? url : url.substr(scheme + 3);
}

bool carries_secret_flag(const std::string& word) {
  if (!word.starts_with("--")) {
    return false;
  }
  std::string name = word.substr(0, word.find('='));
  for (std::string_view suffix : {"token", "key", "keys", "secret", "password"}) {
    if (name.ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

bool is_command(CLI::App& app, const std::string& name) {
  return !app.get_subcommands([&name](CLI::App* sub) { return sub->check_name(name); }).empty();
}

bool looks_like_jwt(const std::string& word) {
  return word.starts_with("eyJ") && std::count(word.begin(), word.end(), '.') == 2;
}

}  // namespace

ShellSession::ShellSession(const CliContext& base, Deps deps)
    : base_(base), deps_(std::move(deps)) {
  if (!deps_.run) {
    deps_.run = run_cli;
  }
  if (!deps_.worker_ids) {
    deps_.worker_ids = completion::fetch_worker_ids;
  }
  if (!deps_.context_names) {
    deps_.context_names = completion::stored_context_names;
  }
}

CliContext ShellSession::line_context() const {
  CliContext context;
  context.global = base_.global;
  context.in = base_.in;
  context.out = base_.out;
  context.err = base_.err;
  return context;
}

ShellSession::Next ShellSession::execute(const std::string& line) {
  auto words = split_words(line);
  if (!words.ok()) {
    *base_.err << "smgctl: " << words.status().message() << "\n";
    last_exit_code_ = kExitUsage;
    return Next::kContinue;
  }
  if (words->empty()) {
    return Next::kContinue;
  }
  bool handled = false;
  Next next = run_builtin(*words, handled);
  if (handled) {
    return next;
  }
  CliContext context = line_context();
  auto app = make_app(context);
  if (refused(*app, completion::command_words(*app, *words))) {
    last_exit_code_ = kExitUsage;
    return Next::kContinue;
  }
  last_exit_code_ = deps_.run(context, std::move(*words));
  return Next::kContinue;
}

bool ShellSession::refused(CLI::App& app, const std::vector<std::string>& command) const {
  if (command.empty()) {
    return false;
  }
  // CLI11 alone would say only "A subcommand is required": name the word that is not one.
  if (!is_command(app, command.front())) {
    // One line: the screen is the user's, and TAB lists the commands anyway.
    std::vector<std::string> names;
    for (const CLI::App* sub : completion::visible_subcommands(app)) names.push_back(sub->get_name());
    *base_.err << "smgctl: unknown command \"" << command.front() << "\"";
    if (auto near = text::suggest(command.front(), names)) *base_.err << "; did you mean \"" << *near << "\"?";
    *base_.err << " (TAB lists the commands, help describes them)\n";
    return true;
  }
  if (kRefusedInShell.contains(command.front())) {
    *base_.err << "smgctl: " << command.front() << " does not run inside the shell; run `smgctl "
               << command.front() << "` from a terminal\n";
    return true;
  }
  return false;
}

ShellSession::Next ShellSession::run_builtin(const std::vector<std::string>& words,
                                             bool& handled) {
  handled = true;
  const std::string& first = words.front();
  if ((first == "exit" || first == "quit") && words.size() == 1) {
    return Next::kExit;
  }
  if (first == "use") {
    use_context(words);
    return Next::kContinue;
  }
  if (first == "help") {
    std::vector<std::string> args(words.begin(), words.end());  // `smgctl help WORDS...`
    CliContext context = line_context();
    last_exit_code_ = deps_.run(context, std::move(args));
    return Next::kContinue;
  }
  handled = false;
  return Next::kContinue;
}

void ShellSession::use_context(const std::vector<std::string>& words) {
  if (words.size() != 2 || words[1].empty()) {
    *base_.err << "smgctl: usage: use CONTEXT\n";
    last_exit_code_ = kExitUsage;
    return;
  }
  auto names = deps_.context_names();
  if (std::find(names.begin(), names.end(), words[1]) == names.end()) {
    *base_.err << "smgctl: no context named \"" << words[1]
               << "\" (see `context list`; TAB completes the names)\n";
    last_exit_code_ = kExitUsage;
    return;
  }
  base_.global.context = words[1];
  *base_.out << "Using context " << words[1] << " for this session.\n";
  last_exit_code_ = kExitOk;
}

std::string ShellSession::prompt() const {
  std::string shown = base_.global.context;
  if (shown.empty()) {
    try {
      RemoteTarget target = resolve_target(line_context());
      shown = target.context_name.empty() ? host_of(target.server) : target.context_name;
    } catch (const std::exception&) {
      // No server yet: a plain prompt; the first remote command will say what is missing.
    }
  }
  return shown.empty() ? "smg> " : "smg(" + shown + ")> ";
}

Completions ShellSession::complete(std::string_view line_before_cursor) const {
  PartialLine partial = split_partial(line_before_cursor);
  CliContext context = line_context();
  auto app = make_app(context);
  completion::DynamicSources sources;
  sources.worker_ids = [this, &context] { return deps_.worker_ids(context); };
  sources.context_names = deps_.context_names;
  Completions result;
  result.current = partial.current;
  result.in_quotes = partial.open_quote != 0;
  for (auto& candidate : completion::complete(*app, partial.words, partial.current, sources)) {
    result.candidates.push_back(std::move(candidate.word));
  }
  if (partial.words.size() == 1 && partial.words[0] == "use") {
    for (const std::string& name : deps_.context_names()) {
      if (name.starts_with(partial.current)) result.candidates.push_back(name);
    }
  }
  if (partial.words.empty()) {
    for (std::string builtin : {"exit", "help", "quit", "use"}) {
      if (builtin.starts_with(partial.current)) {
        result.candidates.push_back(builtin);
      }
    }
  }
  return result;
}

bool ShellSession::should_record(const std::string& line) {
  auto words = split_words(line);
  if (!words.ok() || words->empty()) {
    return false;  // an unparsable line cannot be checked for secrets
  }
  for (const auto& word : *words) {
    if (carries_secret_flag(word) || looks_like_jwt(word)) {
      return false;
    }
  }
  return true;
}

}  // namespace smg::cli::shell
