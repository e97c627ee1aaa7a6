// Durations in config, query strings and CLI flags: "90" (seconds), "90s", "15m", "8h", "30d"
// (a whole number and at most one unit). Used by session TTLs, retention, `?since=` and every
// smgctl duration flag.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace smg::config {

Result<int64_t> parse_duration_ms(std::string_view text);

}  // namespace smg::config
