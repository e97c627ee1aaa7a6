// "Did you mean ...?": the known name closest to what was typed. A word users bring from other
// tools (rm, ls, delete, describe, ...) maps to smgctl's own word first; otherwise the nearest
// name by edit distance (insertions, deletions, substitutions, adjacent swaps), if it is near
// enough to be a typo, or the one name the word is a prefix of.
//
//   suggest("remvoe", {"add", "list", "remove"}) == "remove"
//   suggest("rm", {"add", "list", "remove"}) == "remove"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smg::text {

// Optimal string alignment distance between a and b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The suggestion for `typed` among `names`, or nullopt when none is close. Flags are compared
// without their leading dashes ("--worker-url" is close to "--url" only by edit distance).
std::optional<std::string> suggest(std::string_view typed, const std::vector<std::string>& names);

}  // namespace smg::text
