#include "common/config/duration.h"

#include <charconv>

namespace smg::config {

Result<int64_t> parse_duration_ms(std::string_view text) {
  auto bad = [] {
    return invalid_argument("bad_duration",
                            "duration must look like 90 (seconds), 30s, 15m, 2h or 7d");
  };
  if (text.empty() || text.size() > 12) return bad();
  int64_t n = 0;
  // A bare whole number is seconds, as the CLI's --timeout always took it.
  bool bare = text.back() >= '0' && text.back() <= '9';
  std::string_view digits = bare ? text : text.substr(0, text.size() - 1);
  if (digits.empty()) return bad();
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (error != std::errc() || end != digits.data() + digits.size() || n < 0) return bad();
  if (bare) return n * 1000;
  switch (text.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60 * 1000;
    case 'h': return n * 3600 * 1000;
    case 'd': return n * 86400 * 1000;
    default: return bad();
  }
}

}  // namespace smg::config
