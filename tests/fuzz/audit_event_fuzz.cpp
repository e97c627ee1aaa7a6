// The audit event encoder (common/audit/audit_event.h) over arbitrary field bytes: a path or
// principal may hold anything a client sent (attack probe, finding 6: one GET /workers/%ff broke
// every /admin/audit listing that included it). Whatever the bytes: the JSON line parses back as
// strict UTF-8 JSON, it is one line, and every field is capped.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "common/audit/audit_event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  // Fields are separated by 0x1f (unit separator) in the input.
  std::string fields[8];
  std::size_t field = 0;
  for (char c : input) {
    if (c == '\x1f' && field < 7) {
      ++field;
    } else {
      fields[field] += c;
    }
  }
  smg::audit::AuditEvent event;
  event.principal = fields[0];
  event.auth_method = fields[1];
  event.role = fields[2];
  event.method = fields[3];
  event.path = fields[4];
  event.resource = fields[5];
  event.request_id = fields[6];
  event.details = fields[7];
  event.status = static_cast<int>(size);
  std::string line = smg::audit::to_json_line(event);
  if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) std::abort();
  nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);  // strict UTF-8
  if (parsed.is_discarded() || !parsed.is_object()) std::abort();
  for (const char* name : {"principal", "path", "resource", "details", "request_id"}) {
    if (!parsed[name].is_string()) std::abort();
    // Capped before encoding; U+FFFD replacements may grow a field at most threefold.
    if (parsed[name].get<std::string>().size() > 3 * smg::audit::kMaxFieldBytes) std::abort();
  }
  // The in-memory JSON (what /admin/audit lists) dumps with replacement too.
  (void)smg::audit::to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
