#include "cli/usage/duration_option.h"

#include "common/config/duration.h"

namespace smg::cli {

namespace {

CLI::Option* add_parsed(CLI::App& command, const std::string& name, const std::string& description,
                        std::function<void(std::chrono::milliseconds)> store) {
  auto* option = command.add_option_function<std::string>(
      name,
      [name, store](const std::string& text) {
        auto ms = config::parse_duration_ms(text);
        if (!ms.ok()) {
          throw CLI::ValidationError(
              name, "wants a duration like 90, 90s, 5m or 1h, got \"" + text + "\"");
        }
        store(std::chrono::milliseconds(*ms));
      },
      description);
  option->type_name("DURATION");
  return option;
}

}  // namespace

CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::chrono::milliseconds& target, const std::string& description,
                                 const std::string& default_text) {
  auto* option = add_parsed(command, name, description,
                            [&target](std::chrono::milliseconds value) { target = value; });
  if (!default_text.empty()) option->default_str(default_text);
  return option;
}

CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& target,
                                 const std::string& description) {
  return add_parsed(command, name, description,
                    [&target](std::chrono::milliseconds value) { target = value; });
}

std::string seconds_text(std::chrono::milliseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

}  // namespace smg::cli
