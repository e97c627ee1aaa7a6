// RedisPreLoginStore: OIDC logins in flight in Redis, so a login started on one replica can
// finish on another (the IdP redirects the browser to whichever the load balancer picks).
//
// One hash per login at `<prefix>login:<SHA-256(state)>`, with Redis expiry = the login TTL;
// take() reads and deletes it in one script (single use even with two replicas racing). The
// bounds of PreLoginStore hold cluster-wide: counters per client address (its SHA-256) and in
// total, expiring with the last login they count. Redis unreachable: add() and take() fail
// (kUnavailable "session_store_unavailable"), so no login starts or completes.
// Blocks (a Redis round trip): call off the I/O threads.
// Thread-safety: thread-safe.
//
//   RedisPreLoginStore logins(redis, {.ttl_secs = 600}, clock);
//   logins.add(state, pending);  auto back = logins.take(state);
#pragma once

#include <string>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "common/session/pre_login_store.h"

namespace smg::session {

class RedisPreLoginStore final : public PreLoginStore {
 public:
  // REQUIRES: `redis` and `clock` outlive the store.
  RedisPreLoginStore(redis::RedisClient& redis, PreLoginLimits limits, const Clock& clock,
                     std::string key_prefix = "smg:");

  Status add(const std::string& state, PendingLogin login) override;
  Result<PendingLogin> take(std::string_view state) override;
  const PreLoginLimits& limits() const override { return limits_; }

 private:
  redis::RedisClient& redis_;
  PreLoginLimits limits_;
  const Clock& clock_;
  std::string prefix_;
};

}  // namespace smg::session
