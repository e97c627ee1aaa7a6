#include "cli/output/color.h"

#include <unistd.h>

#include <cstdlib>

namespace smg::cli {

bool color_enabled(const CliContext& context) {
  const std::string& mode = context.global.color;
  if (mode == "always") return true;
  if (mode == "never") return false;
  // auto: only a terminal of ours (a test's string stream is never one).
  if (context.out != &std::cout || ::isatty(STDOUT_FILENO) != 1) return false;
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

std::string paint(std::string_view text, Color color, bool enabled) {
  const char* code = nullptr;
  switch (color) {
    case Color::kGreen:
      code = "32";
      break;
    case Color::kYellow:
      code = "33";
      break;
    case Color::kRed:
      code = "31";
      break;
    case Color::kNone:
      break;
  }
  if (!enabled || code == nullptr) return std::string(text);
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

Color color_for_outcome(std::string_view outcome) {
  if (outcome == "success" || outcome == "allow" || outcome == "allowed") return Color::kGreen;
  if (outcome == "denied" || outcome == "deny") return Color::kRed;
  if (outcome == "unauthenticated") return Color::kYellow;
  return Color::kNone;
}

Color color_for_status(std::string_view status) {
  if (status == "ready" || status == "loaded" || status == "healthy") return Color::kGreen;
  if (status == "pending" || status == "draining" || status == "loading") return Color::kYellow;
  if (status == "failed" || status == "not_ready" || status == "unhealthy") return Color::kRed;
  return Color::kNone;
}

}  // namespace smg::cli
