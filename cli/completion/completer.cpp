#include "cli/completion/completer.h"

#include <algorithm>
#include <set>

namespace smg::cli::completion {
namespace {

struct FoundOption {
  CLI::Option* option = nullptr;
  bool global = false;  // declared on the root
};

// Where the typed words lead in the tree.
struct Walk {
  CLI::App* app = nullptr;
  std::vector<std::string> command_words;  // subcommand names and positionals, in order
  std::size_t positionals = 0;             // positional words given to `app` itself
  FoundOption pending;                     // an option still waiting for its value
  bool options_ended = false;              // after "--"
};

// Options of `app` and of its parents: the root falls through, so global flags are valid anywhere.
FoundOption find_option(CLI::App* app, const std::string& name) {
  for (CLI::App* scope = app; scope != nullptr; scope = scope->get_parent()) {
    for (CLI::Option* option : scope->get_options()) {
      if (option->nonpositional() && option->check_name(name)) {
        return {option, scope->get_parent() == nullptr};
      }
    }
  }
  return {};
}

bool takes_value(const CLI::Option& option) { return option.get_items_expected_max() > 0; }

CLI::App* find_subcommand(CLI::App* app, const std::string& name) {
  auto found = app->get_subcommands([&name](CLI::App* sub) { return sub->check_name(name); });
  return found.empty() ? nullptr : found.front();
}

// A global option typed on the line is applied now, so --server/--token/--context reach the
// dynamic sources. An invalid value is ignored: completion is no place for errors.
void apply_global(const FoundOption& found, const std::string& value) {
  if (found.option == nullptr || !found.global) {
    return;
  }
  try {
    found.option->clear();
    found.option->add_result(value);
    found.option->run_callback();
  } catch (const CLI::Error&) {
  }
}

// "--output=json", "-ojson", "--insecure": the option, and whether a value is still to come.
void walk_option(Walk& walk, const std::string& word) {
  std::string name = word;
  std::string inline_value;
  bool has_inline = false;
  if (auto eq = word.find('='); word.starts_with("--") && eq != std::string::npos) {
    name = word.substr(0, eq);
    inline_value = word.substr(eq + 1);
    has_inline = true;
  } else if (!word.starts_with("--") && word.size() > 2) {
    name = word.substr(0, 2);
    inline_value = word.substr(2);
    has_inline = true;
  }
  FoundOption found = find_option(walk.app, name);
  if (found.option == nullptr || !takes_value(*found.option)) {
    return;
  }
  if (has_inline) {
    apply_global(found, inline_value);
  } else {
    walk.pending = found;
  }
}

void walk_word(Walk& walk, const std::string& word) {
  if (walk.pending.option != nullptr) {
    apply_global(walk.pending, word);
    walk.pending = {};
  } else if (!walk.options_ended && word == "--") {
    walk.options_ended = true;
  } else if (!walk.options_ended && word.size() > 1 && word.front() == '-') {
    walk_option(walk, word);
  } else if (CLI::App* sub = walk.positionals == 0 ? find_subcommand(walk.app, word) : nullptr) {
    walk.app = sub;
    walk.command_words.push_back(word);
  } else {
    ++walk.positionals;
    walk.command_words.push_back(word);
  }
}

void add_if_prefixed(std::vector<Candidate>& out, const std::string& word,
                     const std::string& description, const std::string& current) {
  if (word.starts_with(current)) {
    out.push_back({word, description});
  }
}

std::vector<Candidate> option_candidates(CLI::App* app, const std::string& current) {
  std::vector<Candidate> out;
  for (CLI::App* scope = app; scope != nullptr; scope = scope->get_parent()) {
    for (const CLI::Option* option : visible_options(*scope)) {
      for (const std::string& name : option->get_lnames()) {
        add_if_prefixed(out, "--" + name, option->get_description(), current);
      }
      for (const std::string& name : option->get_snames()) {
        add_if_prefixed(out, "-" + name, option->get_description(), current);
      }
    }
  }
  return out;
}

std::vector<Candidate> value_candidates(const CLI::Option& option, const std::string& prefix,
                                        const std::string& current) {
  std::vector<Candidate> out;
  for (const std::string& choice : option_choices(option)) {
    add_if_prefixed(out, prefix + choice, "", current);
  }
  return out;
}

// The worker id after `workers get|remove|update`. Keyed on the words rather than the tree so the
// rule holds wherever the workers group is registered.
bool wants_worker_id(const Walk& walk) {
  static const std::set<std::string> kVerbs = {"get", "remove", "update"};
  const auto& words = walk.command_words;
  return words.size() >= 2 && words[0] == "workers" && kVerbs.contains(words[1]);
}

// The context name after `context use|delete` (the first argument only).
bool wants_context_name(const Walk& walk) {
  static const std::set<std::string> kVerbs = {"use", "delete"};
  const auto& words = walk.command_words;
  return walk.positionals == 0 && words.size() == 2 && words[0] == "context" &&
         kVerbs.contains(words[1]);
}

bool is_context_option(const CLI::Option& option) { return option.check_lname("context"); }

std::vector<Candidate> context_candidates(const DynamicSources& sources, const std::string& prefix,
                                          const std::string& current) {
  std::vector<Candidate> out;
  if (!sources.context_names) return out;
  for (const std::string& name : sources.context_names()) {
    add_if_prefixed(out, prefix + name, "context", current);
  }
  return out;
}

std::vector<Candidate> word_candidates(const Walk& walk, const std::string& current,
                                       const DynamicSources& sources) {
  std::vector<Candidate> out;
  if (walk.positionals == 0) {
    for (const CLI::App* sub : visible_subcommands(*walk.app)) {
      add_if_prefixed(out, sub->get_name(), sub->get_description(), current);
    }
  }
  if (wants_worker_id(walk) && sources.worker_ids) {
    for (const std::string& id : sources.worker_ids()) {
      add_if_prefixed(out, id, "worker", current);
    }
  }
  if (wants_context_name(walk)) {
    for (auto& candidate : context_candidates(sources, "", current)) out.push_back(candidate);
  }
  return out;
}

std::vector<Candidate> candidates_at(const Walk& walk, const std::string& current,
                                     const DynamicSources& sources) {
  if (walk.pending.option != nullptr) {
    if (is_context_option(*walk.pending.option)) return context_candidates(sources, "", current);
    return value_candidates(*walk.pending.option, "", current);
  }
  if (!walk.options_ended && current.starts_with("-")) {
    if (auto eq = current.find('='); current.starts_with("--") && eq != std::string::npos) {
      const CLI::Option* option = find_option(walk.app, current.substr(0, eq)).option;
      if (option == nullptr) return {};
      std::string prefix = current.substr(0, eq + 1);
      if (is_context_option(*option)) return context_candidates(sources, prefix, current);
      return value_candidates(*option, prefix, current);
    }
    return option_candidates(walk.app, current);
  }
  return word_candidates(walk, current, sources);
}

// An option redefined by a subcommand with a global's name is offered once.
std::vector<Candidate> without_duplicates(std::vector<Candidate> candidates) {
  std::set<std::string> seen;
  std::erase_if(candidates, [&seen](const Candidate& c) { return !seen.insert(c.word).second; });
  return candidates;
}

}  // namespace

std::vector<const CLI::App*> visible_subcommands(const CLI::App& command) {
  return command.get_subcommands([](const CLI::App* sub) {
    return !sub->get_group().empty() && !sub->get_disabled() && !sub->get_name().empty();
  });
}

std::vector<const CLI::Option*> visible_options(const CLI::App& command) {
  return command.get_options([](const CLI::Option* option) {
    return !option->get_group().empty() && option->nonpositional();
  });
}

std::vector<std::string> option_choices(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  auto open = type.find('{');
  auto close = type.rfind('}');
  std::vector<std::string> choices;
  if (open == std::string::npos || close == std::string::npos || close < open ||
      type.find("->", open) != std::string::npos) {
    return choices;
  }
  std::string list = type.substr(open + 1, close - open - 1);
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) {
      choices.push_back(list.substr(start, comma - start));
    }
    start = comma + 1;
  }
  return choices;
}

std::vector<std::string> command_words(CLI::App& root, const std::vector<std::string>& words) {
  Walk walk;
  walk.app = &root;
  for (const std::string& word : words) {
    walk_word(walk, word);
  }
  return walk.command_words;
}

std::vector<Candidate> complete(CLI::App& root, const std::vector<std::string>& words,
                                const std::string& current, const DynamicSources& sources) {
  Walk walk;
  walk.app = &root;
  for (const std::string& word : words) {
    walk_word(walk, word);
  }
  return without_duplicates(candidates_at(walk, current, sources));
}

}  // namespace smg::cli::completion
