#include "common/session/pre_login_store.h"

#include <utility>

namespace smg::session {
Status oidc_state_invalid() {
  return unauthenticated("oidc_state_invalid", "Unknown, used or expired login state");
}

MemoryPreLoginStore::MemoryPreLoginStore(PreLoginLimits limits, const Clock& clock)
    : limits_(limits), clock_(clock) {}

void MemoryPreLoginStore::purge_locked(int64_t now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.created_at < limits_.ttl_secs) {
      ++it;
      continue;
    }
    auto count = per_client_.find(it->second.client);
    if (count != per_client_.end() && --count->second == 0) per_client_.erase(count);
    it = pending_.erase(it);
  }
}

Status MemoryPreLoginStore::add(const std::string& state, PendingLogin login) {
  int64_t now = clock_.now_seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  purge_locked(now);
  std::size_t& from_client = per_client_[login.client];
  if (pending_.size() >= limits_.max_total || from_client >= limits_.max_per_client) {
    if (from_client == 0) per_client_.erase(login.client);
    return Status(Code::kResourceExhausted, "oidc_login_rate_limited",
                  "Too many logins in progress");
  }
  if (pending_.count(state) != 0) {
    return invalid_argument("oidc_state_duplicate", "Duplicate login state");
  }
  ++from_client;
  login.created_at = now;
  pending_.emplace(state, std::move(login));
  return Status::ok_status();
}

Result<PendingLogin> MemoryPreLoginStore::take(std::string_view state) {
  int64_t now = clock_.now_seconds();
  std::lock_guard<std::mutex> lock(mutex_);
  purge_locked(now);
  auto it = pending_.find(std::string(state));
  if (it == pending_.end()) return oidc_state_invalid();
  PendingLogin login = std::move(it->second);
  pending_.erase(it);
  auto count = per_client_.find(login.client);
  if (count != per_client_.end() && --count->second == 0) per_client_.erase(count);
  return login;
}

std::size_t MemoryPreLoginStore::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  purge_locked(clock_.now_seconds());
  return pending_.size();
}

}  // namespace smg::session
