// Reading a gateway's audit ring (GET /admin/audit, server/gateway/audit_routes.cpp): once as
// JSON (`?since=15m` → {"events":[...]}) or followed as SSE (`?follow=1`: each event is
// `id: <sequence>` + `data: <json line>`, with `: keepalive` comments every 15 s). A follow that
// drops (server restart, proxy timeout, a silent connection) reconnects with `Last-Event-ID` set
// to the last sequence seen, so no event is lost or shown twice; only the first connection's
// failure, or an HTTP error (401/403/...), ends it.
// Thread-safety: one thread per call.
//
//   follow_audit(client, "15m", [&](const nlohmann::json& event) { print(event); }, std::cerr);
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/remote/gateway_client.h"

namespace smg::cli {

using AuditEventSink = std::function<void(const nlohmann::json& event)>;

// `since`: a duration such as "15m", or empty for the whole ring.
Status fetch_audit(const GatewayClient& client, const std::string& since,
                   const AuditEventSink& sink);

// Runs until an unrecoverable failure (returned); notices about reconnects go to `notices`.
Status follow_audit(const GatewayClient& client, const std::string& since,
                    const AuditEventSink& sink, std::ostream& notices);

}  // namespace smg::cli
