// GET /admin/audit: the audit ring as JSON (`{"events":[...]}`), or with `?follow=1` as
// Server-Sent Events (`id: <sequence>` + `data: <event JSON>`), resuming after `Last-Event-ID`.
// `?since=` takes a duration (`30s`, `15m`, `2h`, `7d`) or a sequence number (`seq:123`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/audit/audit_log.h"
#include "common/config/duration.h"
#include "common/status.h"
#include "server/http/exchange.h"

namespace smg::server {

using config::parse_duration_ms;

Response handle_audit_request(const Request& request, audit::AuditLog& log);

}  // namespace smg::server
