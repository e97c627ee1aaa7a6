// Colour for what a person reads: audit outcomes (success green, denied red, unauthenticated
// yellow) and status columns in tables (ready green, pending/draining yellow, failed/not_ready
// red). Only when it helps: `--color always`, or `--color auto` (the default) with stdout a
// terminal, NO_COLOR unset or empty (https://no-color.org) and TERM not "dumb". `--color never`
// or a pipe prints plain text, byte for byte what scripts got before.
// Thread-safety: pure functions (color_enabled reads the environment).
//
//   bool on = color_enabled(context);
//   std::string shown = paint("denied", color_for_outcome("denied"), on);  //
//   "\x1b[31mdenied\x1b[0m"
#pragma once

#include <string>
#include <string_view>

#include "cli/cli_context.h"

namespace smg::cli {

enum class Color { kNone, kGreen, kYellow, kRed };

bool color_enabled(const CliContext& context);

// `text` wrapped in the colour's escape codes when `enabled` and the colour is not kNone.
std::string paint(std::string_view text, Color color, bool enabled);

Color color_for_outcome(std::string_view outcome);  // audit: success, denied, unauthenticated
Color color_for_status(std::string_view status);    // worker: ready, pending, failed, ...

}  // namespace smg::cli
