#include "server/proxy/internal/connection_pool.h"

namespace smg::proxy::internal {

std::unique_ptr<UpstreamConnection> ConnectionPool::take(const std::string& origin,
                                                     std::size_t home) {
  std::vector<std::unique_ptr<UpstreamConnection>> stale;  // closed outside the lock
  std::unique_ptr<UpstreamConnection> found;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(origin);
    if (it == idle_.end()) return nullptr;
    Origin& idle = it->second;
    std::size_t homes = idle.by_home.size();
    for (std::size_t k = 0; k < homes && !found; ++k) {
      List& list = idle.by_home[(home + k) % homes];  // the caller's own home first
      while (!list.empty() && !found) {
        std::unique_ptr<UpstreamConnection> candidate = std::move(list.back());
        list.pop_back();
        --idle.count;
        --total_;
        if (candidate->reusable(options_.idle_timeout)) {
          found = std::move(candidate);
        } else {
          stale.push_back(std::move(candidate));
        }
      }
    }
    if (idle.count == 0) idle_.erase(it);
  }
  return found;
}

void ConnectionPool::give_back(const std::string& origin,
                               std::unique_ptr<UpstreamConnection> connection) {
  auto now = std::chrono::steady_clock::now();
  connection->idle_since = now;
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ >= std::chrono::seconds(1)) sweep_locked(now);
  Origin& idle = idle_[origin];
  if (idle.count >= options_.max_per_origin || total_ >= options_.max_total) {
    if (idle.count == 0) idle_.erase(origin);
    return;
  }
  if (idle.by_home.size() <= connection->home) idle.by_home.resize(connection->home + 1);
  idle.by_home[connection->home].push_back(std::move(connection));
  ++idle.count;
  ++total_;
}

std::size_t ConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return total_;
}

// Connections of workers that are no longer used (removed, idle) are closed here too, not only
// when their origin is used again.
void ConnectionPool::sweep_locked(std::chrono::steady_clock::time_point now) {
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    Origin& idle = it->second;
    for (List& list : idle.by_home) {
      std::erase_if(list, [&](const std::unique_ptr<UpstreamConnection>& c) {
        bool expired = now - c->idle_since >= options_.idle_timeout;
        if (expired) {
          --total_;
          --idle.count;
        }
        return expired;
      });
    }
    it = idle.count == 0 ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace smg::proxy::internal
