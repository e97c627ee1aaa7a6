// A real redis-server (Debian's) on a free loopback port, without persistence (no RDB, no AOF),
// for the tests of common/redis and the shared-state backends. kill() ends it like a crash;
// start() brings it back on the same port (empty: nothing was persisted).
// Thread-safety: one owning thread.
//
//   smg::test::RedisServer redis;                 // started and accepting connections
//   setenv("SMG_REDIS_URL", redis.url().c_str(), 1);
//   redis.kill();  ...  redis.start();
#pragma once

#include <memory>
#include <string>

#include "tests/support/background_process.h"

namespace smg::test {

class RedisServer {
 public:
  // Throws std::runtime_error when redis-server cannot start within 10 s.
  explicit RedisServer(std::string password = "");
  ~RedisServer();

  void start();
  // SIGKILL: connections drop at once, as when the server crashes.
  void kill();
  bool running() const { return process_ != nullptr; }
  int port() const { return port_; }
  // redis://[:password@]127.0.0.1:port/0
  std::string url() const;

 private:
  int port_ = 0;
  std::string password_;
  std::unique_ptr<BackgroundProcess> process_;
};

}  // namespace smg::test
