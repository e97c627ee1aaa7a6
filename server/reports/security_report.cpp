#include "server/reports/security_report.h"

#include <algorithm>

#include "common/clock/clock.h"
#include "server/requestlog/report_queries.h"

namespace smg::server::reports {
namespace {

using requestlog::Dimension;
using requestlog::Group;
using requestlog::RecordFilter;

constexpr std::size_t kRecentEvents = 50;

RecordFilter window_filter(const SecurityWindow& window) {
  RecordFilter filter;
  filter.domains = window.domains;
  filter.from_ms = window.from_ms;
  filter.to_ms = window.to_ms;
  return filter;
}

Result<nlohmann::json> auth_failures(requestlog::RequestLogStore& store,
                                     const SecurityWindow& window) {
  RecordFilter filter = window_filter(window);
  filter.include_unscoped = true;
  filter.statuses = {401, 403};
  requestlog::ReportQueries queries(store);
  auto by_type = queries.breakdown(filter, Dimension::kErrorType);
  if (!by_type.ok()) return by_type.status();
  filter.limit = static_cast<int>(kRecentEvents);
  auto recent = store.list(filter);
  if (!recent.ok()) return recent.status();
  nlohmann::json types = nlohmann::json::array();
  int64_t total = 0;
  for (const Group& group : *by_type) {
    types.push_back({{"error_type", group.key}, {"count", group.totals.requests}});
    total += group.totals.requests;
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& record : *recent) {
    nlohmann::json row = requestlog::to_json(record);
    row["client_addr"] = record.client_addr;
    rows.push_back(std::move(row));
  }
  return nlohmann::json{{"total", total}, {"by_type", types}, {"recent", rows}};
}

nlohmann::json denied_control_plane(const audit::AuditLog* audit, const SecurityWindow& window) {
  nlohmann::json out = {{"audit_enabled", audit != nullptr}, {"total", 0},
                        {"denied", 0}, {"unauthenticated", 0}, {"recent", nlohmann::json::array()}};
  if (audit == nullptr) return out;
  std::vector<audit::AuditEvent> refused;
  for (auto& event : audit->since_time(window.from_ms)) {
    if (event.timestamp_ms < window.to_ms && event.outcome != "success") refused.push_back(event);
  }
  out["total"] = refused.size();
  out["denied"] = std::count_if(refused.begin(), refused.end(),
                                [](const auto& e) { return e.outcome == "denied"; });
  out["unauthenticated"] = std::count_if(refused.begin(), refused.end(),
                                         [](const auto& e) { return e.outcome == "unauthenticated"; });
  std::size_t first = refused.size() > kRecentEvents ? refused.size() - kRecentEvents : 0;
  for (std::size_t i = refused.size(); i > first; --i) {
    out["recent"].push_back(audit::to_json(refused[i - 1]));
  }
  return out;
}

nlohmann::json unusual(const Group& caller, int64_t median, bool compare_volume) {
  const auto& t = caller.totals;
  nlohmann::json reasons = nlohmann::json::array();
  if (t.requests >= 5 && t.errors * 2 >= t.requests) reasons.push_back("high_error_rate");
  if (compare_volume && t.requests >= 20 && t.requests > 3 * median) {
    reasons.push_back("volume_above_3x_median");
  }
  return reasons;
}

Result<nlohmann::json> unusual_callers(requestlog::RequestLogStore& store,
                                       const SecurityWindow& window) {
  auto callers = requestlog::ReportQueries(store).breakdown(window_filter(window),
                                                            Dimension::kCaller, 1000);
  if (!callers.ok()) return callers.status();
  std::vector<int64_t> counts;
  for (const Group& group : *callers) {
    if (!group.key.empty()) counts.push_back(group.totals.requests);
  }
  std::sort(counts.begin(), counts.end());
  int64_t median = counts.empty() ? 0 : counts[counts.size() / 2];
  nlohmann::json out = nlohmann::json::array();
  for (const Group& caller : *callers) {
    if (caller.key.empty()) continue;
    nlohmann::json reasons = unusual(caller, median, counts.size() >= 3);
    if (reasons.empty()) continue;
    nlohmann::json row = requestlog::to_json(caller.totals);
    row["caller"] = caller.key;
    row["reasons"] = reasons;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Result<nlohmann::json> security_report(requestlog::RequestLogStore& store,
                                       const audit::AuditLog* audit, const SecurityWindow& window) {
  auto failures = auth_failures(store, window);
  if (!failures.ok()) return failures.status();
  auto callers = unusual_callers(store, window);
  if (!callers.ok()) return callers.status();
  return nlohmann::json{{"from", format_rfc3339_ms(window.from_ms)},
                        {"to", format_rfc3339_ms(window.to_ms)},
                        {"domains", window.domains},
                        {"auth_failures", std::move(*failures)},
                        {"denied_control_plane", denied_control_plane(audit, window)},
                        {"unusual_callers", std::move(*callers)}};
}

}  // namespace smg::server::reports
