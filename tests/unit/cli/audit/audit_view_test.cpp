#include "cli/audit/audit_view.h"

#include <catch2/catch.hpp>

using nlohmann::json;
using smg::cli::AuditFilter;

namespace {

json event(const std::string& principal, const std::string& outcome, const std::string& stamp) {
  return {{"timestamp", stamp}, {"principal", principal}, {"outcome", outcome}, {"status", 403},
          {"method", "DELETE"}, {"path", "/workers/ab"},  {"details", ""}};
}

}  // namespace

TEST_CASE("audit view: RFC 3339 timestamps parse to Unix ms", "[audit-tail]") {
  CHECK(*smg::cli::parse_rfc3339_ms("1970-01-01T00:00:01.250Z") == 1250);
  CHECK(*smg::cli::parse_rfc3339_ms("2026-11-23T11:19:10Z") == 1795432750000);
  CHECK_FALSE(smg::cli::parse_rfc3339_ms("2026-11-23 11:19:10").ok());
  CHECK_FALSE(smg::cli::parse_rfc3339_ms("2026-11-23T11:19:10.1x3Z").ok());
}

TEST_CASE("audit view: filters by principal outcome and time", "[audit-tail]") {
  json e = event("api_key:ci", "denied", "2026-11-23T11:19:10.000Z");
  AuditFilter filter;
  CHECK(smg::cli::matches(filter, e));
  filter.principal = "api_key:ci";
  filter.outcome = "denied";
  CHECK(smg::cli::matches(filter, e));
  filter.outcome = "success";
  CHECK_FALSE(smg::cli::matches(filter, e));
  filter.outcome.clear();
  filter.since_ms = 1795432750000;
  CHECK(smg::cli::matches(filter, e));
  filter.since_ms = 1795432750001;
  CHECK_FALSE(smg::cli::matches(filter, e));
}

TEST_CASE("audit view: a human line is one line whatever the path holds", "[audit-tail][attack]") {
  json e = event("api_key:ci", "denied", "2026-11-23T11:19:10.000Z");
  e["path"] = "/workers\n2026-01-01T00:00:00Z  success  200  forged";
  std::string line = smg::cli::human_line(e);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.rfind("2026-11-23T11:19:10.000Z  denied", 0) == 0);
  CHECK(smg::cli::json_line(e).find('\n') == std::string::npos);
}
