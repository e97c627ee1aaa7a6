// MemorySessionStore: sessions in a map keyed by SHA-256(id); lost on restart.
// Thread-safety: thread-safe (one mutex).
//
//   smg::session::MemorySessionStore store({.ttl_secs = 28800, .idle_timeout_secs = 3600}, clock);
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock/clock.h"
#include "common/session/session_store.h"

namespace smg::session {

class MemorySessionStore final : public SessionStore {
 public:
  // REQUIRES: `clock` outlives the store.
  MemorySessionStore(SessionLimits limits, const Clock& clock);

  Result<std::string> create(Session session) override;
  Result<Session> get(std::string_view id) override;
  Status remove(std::string_view id) override;
  std::size_t purge_expired() override;

 private:
  SessionLimits limits_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

}  // namespace smg::session
