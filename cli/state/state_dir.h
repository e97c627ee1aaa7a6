// smgctl's state folder (XDG Base Directory): $XDG_STATE_HOME/smgctl, or $HOME/.local/state/smgctl
// when XDG_STATE_HOME is unset, empty or relative. The shell's history and `serve --dev`'s keys
// and data live under it.
//
//   Result<std::string> dir = smgctl_state_dir();   // "/home/ada/.local/state/smgctl"
#pragma once

#include <string>

#include "common/status.h"

namespace smg::cli {

// Fails with reason "no_home" when neither XDG_STATE_HOME nor HOME is an absolute path.
Result<std::string> smgctl_state_dir();

}  // namespace smg::cli
