// The bash, zsh and fish completion scripts printed by `smgctl completion SHELL`. Each is a thin
// adapter that asks `smgctl __complete -- WORDS... CURRENT` for candidates ("word<TAB>description"
// lines), so the scripts never list commands themselves and never drift from the tree.
//
//   std::optional<std::string_view> script = completion_script("zsh");
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace smg::cli::completion {

// The shells with a script, in the order `smgctl completion` lists them.
const std::vector<std::string_view>& completion_shells();

// nullopt for a shell without a script.
std::optional<std::string_view> completion_script(std::string_view shell);

}  // namespace smg::cli::completion
