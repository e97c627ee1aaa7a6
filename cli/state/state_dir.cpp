#include "cli/state/state_dir.h"

#include <cstdlib>

namespace smg::cli {

Result<std::string> smgctl_state_dir() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') return std::string(state) + "/smgctl";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.local/state/smgctl";
  return internal_error("no_home", "neither XDG_STATE_HOME nor HOME is set to an absolute path");
}

}  // namespace smg::cli
