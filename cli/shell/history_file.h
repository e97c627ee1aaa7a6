// Where `smgctl shell` keeps its history: $XDG_STATE_HOME/smgctl/history (XDG Base Directory;
// $HOME/.local/state when XDG_STATE_HOME is unset, empty or relative). Commands typed in the shell
// can name servers and contexts, so the folder is 0700 and the file 0600, tightened when looser.
//
//   Result<std::string> path = prepare_history_file();   // creates folders and file as needed
#pragma once

#include <string>

#include "common/status.h"

namespace smg::cli::shell {

// The history path from the environment; fails with reason "no_home" when neither
// XDG_STATE_HOME nor HOME is usable.
Result<std::string> history_path();

// history_path(), with missing folders created 0700 and the file created (or tightened) 0600.
// Fails with reason "history_unavailable" and a message naming the path.
Result<std::string> prepare_history_file();

}  // namespace smg::cli::shell
