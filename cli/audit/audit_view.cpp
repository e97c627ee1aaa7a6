#include "cli/audit/audit_view.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "cli/output/color.h"
#include "cli/output/json_cells.h"
#include "cli/output/table.h"

namespace smg::cli {

bool matches(const AuditFilter& filter, const nlohmann::json& event) {
  if (!event.is_object()) return false;
  if (!filter.principal.empty() && cell(event, "principal") != filter.principal) return false;
  if (!filter.outcome.empty() && cell(event, "outcome") != filter.outcome) return false;
  if (filter.since_ms > 0) {
    auto stamp = parse_rfc3339_ms(cell(event, "timestamp"));
    if (!stamp.ok() || *stamp < filter.since_ms) return false;
  }
  return true;
}

std::string human_line(const nlohmann::json& event, bool color) {
  // Audit fields carry request paths: never let them move the cursor or forge lines. Each field
  // is made one line before the colour's own escape codes go in.
  std::string outcome = one_line(cell(event, "outcome"));
  std::string padding(outcome.size() < 15 ? 15 - outcome.size() : 0, ' ');
  std::string line = one_line(cell(event, "timestamp")) + "  " +
                     paint(outcome, color_for_outcome(outcome), color) + padding + "  " +
                     one_line(cell(event, "status") + "  " + cell(event, "principal") + "  " +
                              cell(event, "method") + " " + cell(event, "path"));
  std::string details = one_line(cell(event, "details"));
  if (!details.empty()) line += "  " + details;
  return line;
}

std::string json_line(const nlohmann::json& event) {
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<int64_t> parse_rfc3339_ms(std::string_view text) {
  auto bad = [] { return invalid_argument("bad_timestamp", "not an RFC 3339 UTC timestamp"); };
  if (text.size() < 20 || text.size() > 40 || text.back() != 'Z') return bad();
  std::string value(text);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(value.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return bad();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t millis = 0;
  std::string_view rest = std::string_view(value).substr(19, value.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2) return bad();
    int64_t scale = 100;
    for (char digit : rest.substr(1)) {
      if (digit < '0' || digit > '9') return bad();
      millis += (digit - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + millis;
}

}  // namespace smg::cli
