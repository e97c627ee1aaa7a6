#include "common/session/redis_session_store.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/log/logger.h"

namespace smg::session {
namespace {

// KEYS[1] the session; ARGV now, idle timeout. Returns the stored fields (before the touch),
// or nil for an unknown or dead session (which it deletes).
const redis::Script kTouch(R"lua(
local v = redis.call('HMGET', KEYS[1], 'subject', 'domain', 'email', 'issuer', 'groups',
                     'created_at', 'last_seen_at', 'expires_at')
if not v[1] or not v[7] or not v[8] then return false end
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local expires_at = tonumber(v[8])
if now >= expires_at or now >= tonumber(v[7]) + idle then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('HSET', KEYS[1], 'last_seen_at', ARGV[1])
redis.call('EXPIRE', KEYS[1], math.max(1, math.min(expires_at - now, idle)))
return v
)lua");

int64_t to_int(const redis::Reply& reply) {
  try {
    return std::stoll(reply.text);
  } catch (...) {
    return 0;  // a corrupted field: the session then reads as dead
  }
}

}  // namespace

RedisSessionStore::RedisSessionStore(redis::RedisClient& redis, SessionLimits limits,
                                     const Clock& clock, std::string key_prefix)
    : redis_(redis), limits_(limits), clock_(clock), prefix_(std::move(key_prefix)) {}

std::string RedisSessionStore::key_for(std::string_view id) const {
  return prefix_ + "session:" + session_key(id);
}

Status RedisSessionStore::store_failure(const Status& cause) {
  if (!down_.exchange(true)) {
    log::warn("smg::session", "session store unavailable: admin sessions fail closed",
              {{"error", cause.message()}});
  }
  return unavailable("session_store_unavailable", "Session store unavailable");
}

void RedisSessionStore::store_reached() {
  if (down_.exchange(false)) log::info("smg::session", "session store available again");
}

Result<std::string> RedisSessionStore::create(Session session) {
  int64_t now = clock_.now_seconds();
  std::string id = new_session_id();
  std::string key = key_for(id);
  int64_t expires_at = now + limits_.ttl_secs;
  int64_t expiry = std::max<int64_t>(1, std::min(limits_.ttl_secs, limits_.idle_timeout_secs));
  auto done = redis_.pipeline(
      {{"MULTI"},
       {"HSET", key, "subject", session.subject, "domain", session.domain, "email", session.email,
        "issuer", session.issuer, "groups", groups_to_json(session.groups), "created_at",
        std::to_string(now), "last_seen_at", std::to_string(now), "expires_at",
        std::to_string(expires_at)},
       {"EXPIRE", key, std::to_string(expiry)},
       {"EXEC"}});
  if (!done.ok()) return store_failure(done.status());
  store_reached();
  return id;
}

Result<Session> RedisSessionStore::get(std::string_view id) {
  if (!plausible_session_id(id)) return session_invalid();
  int64_t now = clock_.now_seconds();
  auto found = redis_.eval(kTouch, {key_for(id)},
                           {std::to_string(now), std::to_string(limits_.idle_timeout_secs)});
  if (!found.ok()) return store_failure(found.status());
  store_reached();
  if (!found->is_array() || found->elements.size() != 8) return session_invalid();
  const auto& v = found->elements;
  Session session{v[0].text, v[1].text, v[2].text, v[3].text, groups_from_json(v[4].text),
                  to_int(v[5]), to_int(v[6]), to_int(v[7])};
  if (!session_alive(session, now, limits_)) return session_invalid();
  session.last_seen_at = now;
  return session;
}

Status RedisSessionStore::remove(std::string_view id) {
  auto done = redis_.command({"DEL", key_for(id)});
  if (!done.ok()) return store_failure(done.status());
  store_reached();
  return Status::ok_status();
}

}  // namespace smg::session
