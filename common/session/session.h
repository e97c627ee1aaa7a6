// Session: a browser admin's server-side session, and its opaque id.
//
// The id the browser holds is 32 random bytes, base64url (43 characters, 256 bits). Stores keep
// only SHA-256(id), so a leaked store (or a backup of it) leaks no usable cookie.
// A session is alive while now < expires_at (absolute TTL) and now < last_seen_at + idle timeout.
// Thread-safety: plain values and pure functions.
//
//   std::string id = smg::session::new_session_id();
//   std::string key = smg::session::session_key(id);   // what a store indexes by
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smg::session {

struct Session {
  std::string subject{};  // e.g. user:alice@example.com
  std::string domain{};   // e.g. example/prod
  std::string email{};
  std::string issuer{};
  std::vector<std::string> groups{};
  int64_t created_at = 0;    // Unix seconds
  int64_t last_seen_at = 0;  // Unix seconds; moves on every successful get()
  int64_t expires_at = 0;    // Unix seconds; absolute, never extended
};

struct SessionLimits {
  int64_t ttl_secs = 8 * 3600;
  int64_t idle_timeout_secs = 3600;
};

// 32 random bytes, base64url without padding.
std::string new_session_id();
// Hex SHA-256 of the id: the only form a store keeps.
std::string session_key(std::string_view id);
// False for ids that cannot be ours (wrong length or alphabet): rejected before any lookup.
bool plausible_session_id(std::string_view id);
// Both the absolute TTL and the idle timeout hold at `now`.
bool session_alive(const Session& session, int64_t now, const SessionLimits& limits);
// How the stores keep a session's groups: a JSON array of strings. Reading drops what is not a
// string, and a corrupted field reads as no groups.
std::string groups_to_json(const std::vector<std::string>& groups);
std::vector<std::string> groups_from_json(const std::string& text);

}  // namespace smg::session
