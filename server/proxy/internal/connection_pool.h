// ConnectionPool: idle keep-alive connections to workers, per origin ("http://10.0.0.7:8000"),
// handed to one exchange at a time. Each connection has a home: the I/O thread whose context
// its socket belongs to (io_runtime.h); an exchange takes one of its own thread's first, another
// thread's only when its own has none (it works there too, one thread hop per operation), and a
// connection always goes back to its home's list. Newest first (the warmest connection); a connection is
// checked before it is handed out (UpstreamConnection::reusable), and those idle too long are
// closed as the pool is used. Bounded per origin and in all: past a bound, a returned
// connection is closed instead.
// Thread-safety: thread-safe.
//
//   ConnectionPool pool({.max_per_origin = 1024, .max_total = 8192, .idle_timeout = 4s});
//   std::unique_ptr<UpstreamConnection> c = pool.take(origin, home);   // null: connect one
//   ... a complete response, keep-alive ...; pool.give_back(origin, std::move(c));
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/proxy/internal/upstream_connection.h"

namespace smg::proxy::internal {

struct ConnectionPoolOptions {
  std::size_t max_per_origin = 1024;
  std::size_t max_total = 8192;
  std::chrono::milliseconds idle_timeout{4000};
};

class ConnectionPool {
 public:
  explicit ConnectionPool(ConnectionPoolOptions options) : options_(options) {}

  // `home`: the calling exchange's I/O thread index.
  std::unique_ptr<UpstreamConnection> take(const std::string& origin, std::size_t home);
  void give_back(const std::string& origin, std::unique_ptr<UpstreamConnection> connection);
  std::size_t idle() const;

 private:
  void sweep_locked(std::chrono::steady_clock::time_point now);

  const ConnectionPoolOptions options_;
  mutable std::mutex mutex_;
  using List = std::vector<std::unique_ptr<UpstreamConnection>>;
  struct Origin {
    std::vector<List> by_home;  // indexed by UpstreamConnection::home
    std::size_t count = 0;
  };
  std::unordered_map<std::string, Origin> idle_;
  std::size_t total_ = 0;                               // guarded by mutex_
  std::chrono::steady_clock::time_point last_sweep_{};  // guarded by mutex_
};

}  // namespace smg::proxy::internal
