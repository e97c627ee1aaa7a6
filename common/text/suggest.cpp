#include "common/text/suggest.h"

#include <algorithm>
#include <utility>

namespace smg::text {
namespace {

// Words of git, kubectl, gh and docker for what smgctl names otherwise.
constexpr std::pair<std::string_view, std::string_view> kSynonyms[] = {
    {"rm", "remove"}, {"del", "remove"},   {"delete", "remove"}, {"ls", "list"},
    {"show", "get"},  {"describe", "get"}, {"inspect", "get"},   {"create", "add"},
    {"new", "add"},   {"register", "add"}, {"edit", "update"},
};

std::string_view without_dashes(std::string_view word) {
  while (word.starts_with('-')) word.remove_prefix(1);
  return word;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows: the one before the previous is what an adjacent swap reaches back to.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> suggest(std::string_view typed, const std::vector<std::string>& names) {
  std::string_view word = without_dashes(typed);
  if (word.empty() || names.empty()) return std::nullopt;
  std::string dashes(typed.substr(0, typed.size() - word.size()));
  for (const auto& [synonym, name] : kSynonyms) {
    if (word == synonym && contains(names, dashes + std::string(name))) {
      return dashes + std::string(name);
    }
  }
  // A typo: at most one edit per three letters typed (at least one, at most three).
  std::size_t allowed = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  std::optional<std::string> best;
  std::size_t best_distance = allowed + 1;
  for (const auto& name : names) {
    std::size_t distance = edit_distance(word, without_dashes(name));
    if (distance < best_distance) {
      best_distance = distance;
      best = name;
    }
  }
  if (best) return best;
  // The one name that starts with what was typed ("work" for "workers").
  std::optional<std::string> prefixed;
  for (const auto& name : names) {
    if (word.size() >= 2 && without_dashes(name).starts_with(word)) {
      if (prefixed) return std::nullopt;  // ambiguous
      prefixed = name;
    }
  }
  return prefixed;
}

}  // namespace smg::text
