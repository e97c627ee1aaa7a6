#include "cli/usage/usage_errors.h"

#include <algorithm>
#include <sstream>

#include "common/text/suggest.h"

namespace smg::cli {
namespace {

bool visible(const CLI::App* app) { return !app->get_group().empty(); }

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return visible(sub); });
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : visible_subcommands(app)) names.push_back(sub->get_name());
  return names;
}

// Every long and short flag `app` takes, its parents' included (they fall through).
std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : level->get_options()) {
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
      for (const auto& name : option->get_snames()) names.push_back("-" + name);
    }
  }
  return names;
}

const CLI::Option* find_option(const CLI::App& app, const std::string& name) {
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const CLI::Option* option : level->get_options()) {
      if (option->check_name(name)) return option;
    }
  }
  return nullptr;
}

std::string kind_of_value(const CLI::Option& option) {
  std::string type = option.get_type_name();
  if (type.rfind("UINT", 0) == 0) return "a whole number of 0 or more";
  if (type.rfind("INT", 0) == 0) return "a whole number";
  if (type.rfind("FLOAT", 0) == 0) return "a number";
  return "a value of type " + type;
}

std::string help_hint(const CLI::App& app) {
  return "Run '" + command_path(app) + " --help' for usage.\n";
}

std::string in_quotes(const std::string& word) { return "\"" + word + "\""; }

std::string unknown_command(const CLI::App& level, const std::string& word) {
  std::string message = command_path(level) + ": unknown command " + in_quotes(word);
  if (auto near = text::suggest(word, subcommand_names(level))) {
    message += "; did you mean " + in_quotes(*near) + "?";
  }
  return message + "\n\n" + command_list(level) + "Run '" + command_path(level) +
         " --help' for more.\n";
}

std::string unexpected(const CLI::App& level, const std::vector<std::string>& extras) {
  const std::string& first = extras.front();
  std::string message = command_path(level) + ": ";
  if (first.starts_with('-')) {
    std::string flag = first.substr(0, first.find('='));
    message += "unknown flag " + flag;
    if (auto near = text::suggest(flag, flag_names(level))) message += "; did you mean " + *near + "?";
  } else {
    message += extras.size() == 1 ? "unexpected argument " : "unexpected arguments ";
    for (std::size_t i = 0; i < extras.size(); ++i) {
      message += (i > 0 ? " " : "") + in_quotes(extras[i]);
    }
    if (auto near = text::suggest(first, subcommand_names(level))) {
      message += "; did you mean " + in_quotes(*near) + "?";
    }
  }
  return message + "\n" + help_hint(level);
}

// "Could not convert: --port = abc" → "--port wants a whole number, got "abc"".
std::string conversion(const CLI::App& level, const std::string& what) {
  const std::string prefix = "Could not convert: ";
  auto equals = what.find(" = ");
  if (what.rfind(prefix, 0) == 0 && equals != std::string::npos) {
    std::string name = what.substr(prefix.size(), equals - prefix.size());
    std::string value = what.substr(equals + 3);
    if (const CLI::Option* option = find_option(level, name)) {
      return command_path(level) + ": " + name + " wants " + kind_of_value(*option) + ", got " +
             in_quotes(value) + "\n" + help_hint(level);
    }
  }
  return command_path(level) + ": " + what + "\n" + help_hint(level);
}

// "NAME: 1 required TYPE missing" → "NAME needs a value" / "missing argument NAME".
std::string mismatch(const CLI::App& level, const std::string& what) {
  auto colon = what.find(": ");
  if (colon != std::string::npos && what.find(" required ") != std::string::npos &&
      what.ends_with(" missing")) {
    std::string name = what.substr(0, colon);
    const CLI::Option* option = find_option(level, name);
    std::string text = option != nullptr && option->nonpositional()
                           ? name + " needs " + kind_of_value(*option)
                           : "missing argument " + name;
    return command_path(level) + ": " + text + "\n" + help_hint(level);
  }
  return command_path(level) + ": " + what + "\n" + help_hint(level);
}

}  // namespace

std::string command_path(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    words.push_back(level->get_parent() == nullptr ? "smgctl" : level->get_name());
  }
  std::string path;
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    path += (path.empty() ? "" : " ") + *it;
  }
  return path;
}

const CLI::App& parsed_command(const CLI::App& root) {
  const CLI::App* level = &root;
  while (true) {
    auto parsed = level->get_subcommands([](const CLI::App* sub) { return sub->parsed(); });
    if (parsed.empty()) return *level;
    level = parsed.back();
  }
}

std::string command_list(const CLI::App& app) {
  auto subs = visible_subcommands(app);
  if (subs.empty()) return "";
  std::size_t width = 0;
  for (const CLI::App* sub : subs) width = std::max(width, sub->get_name().size());
  std::ostringstream out;
  out << "Commands of " << command_path(app) << ":\n";
  for (const CLI::App* sub : subs) {
    out << "  " << sub->get_name() << std::string(width - sub->get_name().size() + 2, ' ')
        << sub->get_description() << "\n";
  }
  return out.str();
}

std::string describe_parse_error(const CLI::App& root, const CLI::ParseError& error) {
  const CLI::App& level = parsed_command(root);
  std::vector<std::string> extras = root.remaining(true);
  bool takes_command = !visible_subcommands(level).empty();
  // A word where a command belongs that is none of this level's commands.
  if (takes_command) {
    auto word = std::find_if(extras.begin(), extras.end(),
                             [](const std::string& w) { return !w.starts_with('-'); });
    if (word != extras.end()) return unknown_command(level, *word);
  }
  std::string what = error.what();
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
      what.rfind("A subcommand", 0) == 0) {
    return command_path(level) + ": a command is required\n\n" + command_list(level) + "Run '" +
           command_path(level) + " --help' for more.\n";
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr && !extras.empty()) {
    return unexpected(level, extras);
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) return conversion(level, what);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) return mismatch(level, what);
  return command_path(level) + ": " + what + "\n" + help_hint(level);
}

const CLI::App* find_command(const CLI::App& root, const std::vector<std::string>& words,
                             std::string& error) {
  const CLI::App* level = &root;
  for (const auto& word : words) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : visible_subcommands(*level)) {
      if (sub->check_name(word)) next = sub;
    }
    if (next == nullptr) {
      error = unknown_command(*level, word);
      return nullptr;
    }
    level = next;
  }
  return level;
}

}  // namespace smg::cli
