#include "server/gateway/shared_state.h"

#include <unistd.h>

#include "common/log/logger.h"

namespace smg::server {

redis::ClientOptions state_client_options(const StateConfig& state) {
  redis::ClientOptions options;
  auto url = redis::parse_redis_url(state.redis_url);
  if (url.ok()) options.url = std::move(*url);
  options.connect_timeout = std::chrono::milliseconds(state.timeout_ms);
  options.command_timeout = std::chrono::milliseconds(state.timeout_ms);
  return options;
}

std::unique_ptr<redis::RedisClient> make_state_client(const StateConfig& state) {
  auto client = std::make_unique<redis::RedisClient>(state_client_options(state));
  auto pong = client->command({"PING"});
  if (pong.ok()) {
    log::info("smg::redis", "shared state in redis",
              {{"url", client->options().url.describe()}});
  }
  return client;
}

std::string replica_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "smg") + ":" + std::to_string(::getpid());
}

}  // namespace smg::server
