// AuditEvent: one control-plane decision (admitted, denied or unauthenticated), and its JSON line.
//
// The line is SMG's: {"event":"control_plane_audit","target":"smg::audit","timestamp":RFC 3339 UTC,
// "principal","auth_method","role","method","path","resource","outcome","status","request_id",
// "details"}. Every string field is capped at 1024 bytes and control characters are escaped, so a
// hostile path or header cannot forge extra lines or blow up the log.
//
//   smg::audit::AuditEvent e{.principal = "api_key:admin1", .auth_method = "api_key", ...};
//   std::string line = smg::audit::to_json_line(e);   // no trailing newline
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace smg::audit {

constexpr std::size_t kMaxFieldBytes = 1024;

struct AuditEvent {
  int64_t timestamp_ms = 0;    // Unix time in milliseconds
  std::string principal;       // subject, or "anonymous"
  std::string auth_method;     // jwt | api_key | none
  std::string role;            // admin | user | "" when unauthenticated
  std::string method;
  std::string path;
  std::string resource;        // e.g. a worker id, when the route names one
  std::string outcome;         // success | denied | unauthenticated
  int status = 0;
  std::string request_id;
  std::string details;         // a safe reason, never a credential
  uint64_t sequence = 0;       // assigned by the AuditLog; the SSE event id
};

nlohmann::json to_json(const AuditEvent& event);
std::string to_json_line(const AuditEvent& event);

}  // namespace smg::audit
