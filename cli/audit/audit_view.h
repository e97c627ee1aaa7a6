// How `smgctl audit tail` selects and shows audit events (the gateway's control_plane_audit JSON,
// common/audit/audit_event.h): filters applied on the client, a human line for terminals, and
// one compact JSON line per event for `-o json`.
// Pure functions; thread-safe.
//
//   AuditFilter filter{.principal = "api_key:ci", .outcome = "denied", .since_ms = now - 15 *
//   60000}; if (matches(filter, event)) std::cout << human_line(event) << "\n";
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::cli {

struct AuditFilter {
  std::string principal;  // exact match; empty: any
  std::string outcome;    // success | denied | unauthenticated; empty: any
  int64_t since_ms = 0;   // Unix ms; events stamped earlier are skipped; 0: no limit
};

bool matches(const AuditFilter& filter, const nlohmann::json& event);

// "2026-11-23T11:19:10.123Z  denied           403  api_key:ci  DELETE /workers/ab12  details"
// With `color`, the outcome is coloured (cli/output/color.h); the columns stay aligned.
std::string human_line(const nlohmann::json& event, bool color = false);
// The event as one JSON line (no trailing newline).
std::string json_line(const nlohmann::json& event);

// "2026-11-23T11:19:10.123Z" (fraction optional, UTC "Z" required) → Unix ms.
Result<int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace smg::cli
