// SessionStore: where server-side admin sessions live (memory, sqlite). The seam handlers use;
// tests inject a store with a FixedClock.
//
// create() stamps created_at / last_seen_at / expires_at from the store's clock and limits and
// returns a brand-new id (never one the caller supplies: no session fixation). get() enforces the
// absolute TTL and the idle timeout, deletes a dead session, and moves last_seen_at.
// Thread-safety: every implementation is thread-safe.
//
//   auto id = store.create({.subject = "user:alice@example.com", .domain = "example/prod"});
//   auto session = store.get(*id);        // reason "session_invalid" when unknown or expired
//   store.remove(*id);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/session/session.h"
#include "common/status.h"

namespace smg::session {

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Returns the new session's opaque id (the only copy: the store keeps its SHA-256).
  virtual Result<std::string> create(Session session) = 0;
  // kUnauthenticated "session_invalid" for unknown, expired or idle sessions.
  virtual Result<Session> get(std::string_view id) = 0;
  // Idempotent: removing an unknown id is OK.
  virtual Status remove(std::string_view id) = 0;
  // Deletes dead sessions; returns how many.
  virtual std::size_t purge_expired() = 0;
};

inline Status session_invalid() {
  return unauthenticated("session_invalid", "No valid admin session");
}

}  // namespace smg::session
