// Counting a needle in test output: responses on one connection, events in a stream.
#pragma once

#include <cstddef>
#include <string_view>

namespace smg::test {

// Occurrences of `needle` in `text`, each found from one character after the previous one.
inline std::size_t count_occurrences(std::string_view text, std::string_view needle) {
  std::size_t found = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++found;
  }
  return found;
}

}  // namespace smg::test
