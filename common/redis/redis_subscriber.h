// RedisSubscriber: a pub/sub listener on its own connection and thread.
//
// The thread connects, SUBSCRIBEs to `channels`, then calls on_subscribed() (after the first
// connect and after every reconnect: the moment to reconcile full state, since messages sent
// while disconnected are lost) and on_message() for each message, in order, on its own thread.
// A lost connection (EOF, I/O error, or two PINGs unanswered for ping_interval each) is
// reconnected with backoff (100 ms doubling to 2 s). Handlers must not block for long.
// Thread-safety: construct and destroy on one thread; connected() from any thread. The
// destructor stops the thread promptly (a self-pipe wakes it from poll).
//
//   smg::redis::RedisSubscriber events(options, {"smg:workers"},
//       {.on_message = [&](const std::string& channel, const std::string& payload) { ... },
//        .on_subscribed = [&] { reload_everything(); }});
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/redis/redis_client.h"

namespace smg::redis {

class RedisSubscriber {
 public:
  struct Handlers {
    std::function<void(const std::string& channel, const std::string& message)> on_message;
    std::function<void()> on_subscribed;
  };

  RedisSubscriber(ClientOptions options, std::vector<std::string> channels, Handlers handlers,
                  std::chrono::milliseconds ping_interval = std::chrono::seconds(2));
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Subscribed right now.
  bool connected() const { return connected_.load(); }
  // How many times the subscription was (re)established.
  uint64_t subscriptions() const { return subscriptions_.load(); }

 private:
  void run();
  void listen(Connection& connection);
  bool dispatch(const Reply& reply, std::size_t& acknowledged);
  bool wait_or_stop(std::chrono::milliseconds timeout);

  ClientOptions options_;
  std::vector<std::string> channels_;
  Handlers handlers_;
  std::chrono::milliseconds ping_interval_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> subscriptions_{0};
  std::thread thread_;
};

}  // namespace smg::redis
