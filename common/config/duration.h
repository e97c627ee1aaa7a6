// Durations in config and query strings: "90s", "15m", "8h", "30d" (a whole number and one
// unit). Used by session TTLs, retention and `?since=`.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace smg::config {

Result<int64_t> parse_duration_ms(std::string_view text);

}  // namespace smg::config
