// RedisSessionStore: admin sessions in Redis, shared by every gateway replica
// (docs/shared-state.md).
//
// One hash per session at `<prefix>session:<SHA-256(id)>` (the id itself is never stored). The
// key's Redis expiry is min(absolute TTL left, idle timeout) and moves on every get(), so Redis
// itself forgets dead sessions; get() also checks both limits (one Lua script: read, check,
// touch, re-expire, atomically). remove() is a DEL: a logout or revocation on one replica is
// seen by the next lookup on every replica.
// Redis unreachable: every call fails closed with kUnavailable "session_store_unavailable"
// (one warning per outage, and one line when it is back); nothing is cached locally.
// Blocks (a Redis round trip, bounded by the client's timeouts): call off the I/O threads.
// Thread-safety: thread-safe.
//
//   RedisSessionStore store(redis, {.ttl_secs = 28800, .idle_timeout_secs = 3600}, clock);
//   auto id = store.create(session);     // "session_store_unavailable" when Redis is down
#pragma once

#include <atomic>
#include <string>

#include "common/clock/clock.h"
#include "common/redis/redis_client.h"
#include "common/session/session_store.h"

namespace smg::session {

class RedisSessionStore final : public SessionStore {
 public:
  // REQUIRES: `redis` and `clock` outlive the store.
  RedisSessionStore(redis::RedisClient& redis, SessionLimits limits, const Clock& clock,
                    std::string key_prefix = "smg:");

  Result<std::string> create(Session session) override;
  Result<Session> get(std::string_view id) override;
  Status remove(std::string_view id) override;
  // Redis expiry deletes dead sessions itself: always 0.
  std::size_t purge_expired() override { return 0; }

 private:
  std::string key_for(std::string_view id) const;
  Status store_failure(const Status& cause);
  void store_reached();

  redis::RedisClient& redis_;
  SessionLimits limits_;
  const Clock& clock_;
  std::string prefix_;
  std::atomic<bool> down_{false};
};

}  // namespace smg::session
