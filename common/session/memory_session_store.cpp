#include "common/session/memory_session_store.h"

#include <utility>

namespace smg::session {

MemorySessionStore::MemorySessionStore(SessionLimits limits, const Clock& clock)
    : limits_(limits), clock_(clock) {}

Result<std::string> MemorySessionStore::create(Session session) {
  int64_t now = clock_.now_seconds();
  session.created_at = now;
  session.last_seen_at = now;
  session.expires_at = now + limits_.ttl_secs;
  std::string id = new_session_id();
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[session_key(id)] = std::move(session);
  return id;
}

Result<Session> MemorySessionStore::get(std::string_view id) {
  if (!plausible_session_id(id)) return session_invalid();
  int64_t now = clock_.now_seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(session_key(id));
  if (it == sessions_.end()) return session_invalid();
  if (!session_alive(it->second, now, limits_)) {
    sessions_.erase(it);
    return session_invalid();
  }
  it->second.last_seen_at = now;
  return it->second;
}

Status MemorySessionStore::remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(session_key(id));
  return Status::ok_status();
}

std::size_t MemorySessionStore::purge_expired() {
  int64_t now = clock_.now_seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  return std::erase_if(sessions_,
                       [&](const auto& entry) { return !session_alive(entry.second, now, limits_); });
}

}  // namespace smg::session
