// Turns server.admin_auth (Basic, OIDC, sessions) into a ready AdminAuthRoutes, once, at
// start-up. Config errors are kInvalidArgument naming the field path, never a secret.
//
//   auto admin = build_admin_auth(config, *http_client, SystemClock::instance());
#pragma once

#include <memory>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/redis/redis_client.h"
#include "common/status.h"
#include "server/admin/admin_auth_routes.h"
#include "server/gateway/serve_config.h"

namespace smg::server {

// REQUIRES: `http`, `clock` and `redis` outlive the result. Creates config.data_dir (0700) for
// the sqlite session store. With `redis` (server.state.backend: redis) OIDC sessions and pending
// logins live there, whatever sessions.store says.
Result<std::unique_ptr<admin::AdminAuthRoutes>> build_admin_auth(
    const ServeConfig& config, const http::HttpClient& http, const Clock& clock,
    redis::RedisClient* redis = nullptr);

}  // namespace smg::server
