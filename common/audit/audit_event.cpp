#include "common/audit/audit_event.h"

#include "common/clock/clock.h"
#include "common/text/capped_text.h"

namespace smg::audit {
namespace {

// Caps at kMaxFieldBytes without splitting a UTF-8 sequence.
std::string capped(const std::string& value) {
  return std::string(text::utf8_prefix(value, kMaxFieldBytes));
}

}  // namespace

nlohmann::json to_json(const AuditEvent& event) {
  return {
      {"event", "control_plane_audit"},
      {"target", "smg::audit"},
      {"timestamp", format_rfc3339_ms(event.timestamp_ms)},
      {"principal", capped(event.principal)},
      {"auth_method", capped(event.auth_method)},
      {"role", capped(event.role)},
      {"method", capped(event.method)},
      {"path", capped(event.path)},
      {"resource", capped(event.resource)},
      {"outcome", capped(event.outcome)},
      {"status", event.status},
      {"request_id", capped(event.request_id)},
      {"details", capped(event.details)},
      {"id", event.sequence},
  };
}

std::string to_json_line(const AuditEvent& event) {
  // dump() escapes control characters; `replace` turns invalid UTF-8 into U+FFFD instead of
  // throwing, so hostile bytes in a path can neither forge lines nor crash the logger.
  return to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace smg::audit
