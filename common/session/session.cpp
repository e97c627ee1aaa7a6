#include "common/session/session.h"

#include <nlohmann/json.hpp>

#include "common/crypto/crypto.h"

namespace smg::session {

std::string new_session_id() { return crypto::base64url_encode(crypto::random_bytes(32)); }

std::string session_key(std::string_view id) { return crypto::sha256_hex(id); }

bool plausible_session_id(std::string_view id) {
  if (id.size() != 43) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool session_alive(const Session& session, int64_t now, const SessionLimits& limits) {
  return now < session.expires_at && now < session.last_seen_at + limits.idle_timeout_secs;
}

std::vector<std::string> groups_from_json(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> groups;
  if (!parsed.is_array()) return groups;
  for (const auto& item : parsed) {
    if (item.is_string()) groups.push_back(item.get<std::string>());
  }
  return groups;
}

std::string groups_to_json(const std::vector<std::string>& groups) {
  return nlohmann::json(groups).dump();
}

}  // namespace smg::session
