// The names of the stored contexts (smgctl context list), for completion: `--context NAME`,
// `context use|delete NAME` and the shell's `use NAME`. Empty when no context file is readable:
// a completion never prints an error.
//
//   sources.context_names = completion::stored_context_names;
#pragma once

#include <string>
#include <vector>

namespace smg::cli::completion {

std::vector<std::string> stored_context_names();

}  // namespace smg::cli::completion
