// GET /admin/audit: the audit ring as JSON (`{"events":[...]}`), or with `?follow=1` as
// Server-Sent Events (`id: <sequence>` + `data: <event JSON>`), resuming after `Last-Event-ID`.
// `?since=` takes a duration (`30s`, `15m`, `2h`, `7d`) or a sequence number (`seq:123`).
// With the Redis state backend, handle_cluster_audit_request serves the same API from the
// cluster-wide stream (every replica's events): event ids are stream ids ("1733300000000-0"),
// `since=seq:<id>` and Last-Event-ID take them, each event carries "replica". Redis down: 503
// audit_stream_unavailable (the per-replica file sink and stderr keep every event regardless).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/audit/audit_log.h"
#include "common/audit/redis_audit_stream.h"
#include "common/config/duration.h"
#include "common/status.h"
#include "server/http/exchange.h"

namespace smg::server {

using config::parse_duration_ms;

Response handle_audit_request(const Request& request, audit::AuditLog& log);
// REQUIRES: `stream` and `log` outlive the response's stream (the log only says when to stop).
Response handle_cluster_audit_request(const Request& request, audit::RedisAuditStream& stream,
                                      const audit::AuditLog& log);

}  // namespace smg::server
