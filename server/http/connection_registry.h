// ConnectionRegistry: the open connections of one listener, so that stop() can reach them: an
// idle keep-alive connection is closed at once, a busy one after its response, and whatever is
// left after the grace period is closed outright. It also counts them for --max-connections.
// Thread-safety: thread-safe. The ConnectionControl calls only post to the connection's strand.
//
//   auto id = registry.add(weak_from_this());   ...   registry.remove(id);   // in ~Connection
//   registry.stop_all();   registry.close_all();
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace smg::server {

class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  // The listener stops: close now if idle, else after the response in progress.
  virtual void on_stop() = 0;
  // The grace period is over: close the socket, whatever is in progress.
  virtual void force_close() = 0;
};

class ConnectionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<ConnectionControl> connection);
  void remove(std::uint64_t id);
  void stop_all();
  void close_all();
  std::size_t size() const;

 private:
  std::vector<std::shared_ptr<ConnectionControl>> snapshot() const;

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;                                                // guarded
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionControl>> open_;  // guarded
};

}  // namespace smg::server
