// The Redis side of server.state.backend: redis (docs/shared-state.md), turned from StateConfig
// into ready options once at start-up. GatewayRuntime builds the objects that use them: the session
// stores (admin_auth_builder), SharedWorkers and the cluster audit stream.
// Thread-safety: pure functions.
//
//   if (config.state.backend == "redis") redis = make_state_client(config.state);
#pragma once

#include <memory>
#include <string>

#include "common/redis/redis_client.h"
#include "server/gateway/serve_config.h"

namespace smg::server {

// Client options from the validated config. REQUIRES: state.redis_url parses.
redis::ClientOptions state_client_options(const StateConfig& state);
// The shared client; pings once so an unreachable Redis is logged at start (the gateway still
// starts: sessions fail closed and everything recovers when Redis comes back).
std::unique_ptr<redis::RedisClient> make_state_client(const StateConfig& state);
// This replica's name in the shared state (audit events, worker changes): host:pid.
std::string replica_name();

}  // namespace smg::server
