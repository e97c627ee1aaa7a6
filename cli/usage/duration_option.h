// Duration flags: every smgctl flag that takes a time accepts the same spellings as the
// gateway's config, a bare number of seconds (90) or a whole number with a unit (90s, 5m, 2h,
// 7d), and names the flag and the text when it is neither.
//
//   std::chrono::milliseconds timeout{60'000};
//   add_duration_option(*cmd, "--timeout", timeout, "How long --wait waits", "60s");
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace smg::cli {

// Adds `name` to `command`; the parsed value lands in `target`. `default_text` (e.g. "60s") is
// shown in --help when not empty.
CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::chrono::milliseconds& target, const std::string& description,
                                 const std::string& default_text = "");

// The same for a flag with no default: `target` stays empty unless the flag is given.
CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& target,
                                 const std::string& description);

// "90s": the whole seconds of `duration`, in the form every gateway accepts in ?since=.
std::string seconds_text(std::chrono::milliseconds duration);

}  // namespace smg::cli
