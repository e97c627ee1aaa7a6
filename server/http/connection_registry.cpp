#include "server/http/connection_registry.h"

namespace smg::server {

std::uint64_t ConnectionRegistry::add(std::weak_ptr<ConnectionControl> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t id = ++next_id_;
  open_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  open_.erase(id);
}

// Called outside the lock: the last reference to a connection may be ours, and its destructor
// removes it from the registry.
std::vector<std::shared_ptr<ConnectionControl>> ConnectionRegistry::snapshot() const {
  std::vector<std::shared_ptr<ConnectionControl>> connections;
  std::lock_guard<std::mutex> lock(mutex_);
  connections.reserve(open_.size());
  for (const auto& [id, weak] : open_) {
    if (auto connection = weak.lock()) connections.push_back(std::move(connection));
  }
  return connections;
}

void ConnectionRegistry::stop_all() {
  for (const auto& connection : snapshot()) connection->on_stop();
}

void ConnectionRegistry::close_all() {
  for (const auto& connection : snapshot()) connection->force_close();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.size();
}

}  // namespace smg::server
