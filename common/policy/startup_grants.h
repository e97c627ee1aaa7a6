// Policy lines that other configuration implies, added to the configured policy at start-up
//: a caller with `metrics_admin: true` or `content_admin: true` gets the matching
// role in its own domain. Build the Enforcer from the merged list.
// Thread-safety: pure functions.
//
//   std::vector<std::string> lines = configured_policy_lines;
//   append_lines(lines, metrics_admin_grant("ops-metrics-key", "example/prod"));
//   auto enforcer = Enforcer::build(lines);
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smg::policy {

// `p, metrics_admin, <dom>, metrics, read` and `g, caller:<token_id>, metrics_admin, <dom>`.
std::vector<std::string> metrics_admin_grant(std::string_view token_id, std::string_view domain);
// `p, content_admin, <dom>, content:capture, delete|purge` and the caller's `g` line.
std::vector<std::string> content_admin_grant(std::string_view token_id, std::string_view domain);

// Appends `extra` to `lines` (the configured policy stays first, so explain() prefers it).
void append_lines(std::vector<std::string>& lines, const std::vector<std::string>& extra);

}  // namespace smg::policy
