// RedisClient: blocking commands to one Redis server over hiredis, with a small pool of
// connections, connect and command timeouts, and reconnection on failure.
//
// Every call blocks its thread for at most connect_timeout + command_timeout: call it only where
// blocking work runs (the gateway's blocking pool, a background thread), never on an I/O thread.
// A broken connection is dropped; a call on a pooled connection that turns out dead (the server
// restarted) is retried once on a fresh one. After a failed connect, calls fail fast for
// reconnect_cooldown instead of each waiting for its own connect timeout. The first failure after
// a success logs one warning (and the recovery one info line): one line per outage, not per call.
// Failures: kUnavailable "redis_unavailable" (connect, I/O, timeout); kInternal "redis_error"
// (the server answered an error, e.g. WRONGTYPE). Messages never include the password.
// Thread-safety: thread-safe; concurrent calls use different connections.
//
//   smg::redis::RedisClient redis({.url = *url});
//   auto ok = redis.command({"SET", "k", "v", "PX", "5000"});
//   auto value = redis.command({"GET", "k"});      // value->is_nil() when absent
//   auto n = redis.eval(kScript, {"key"}, {"arg"});
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/redis/redis_reply.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_url.h"
#include "common/status.h"

struct redisContext;

namespace smg::redis {

struct ClientOptions {
  RedisUrl url{};
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{500};
  std::size_t max_idle_connections = 8;
  std::chrono::milliseconds reconnect_cooldown{200};
  std::string log_target = "smg::redis";
};

// One open, authenticated connection (AUTH, SELECT done). Used by the client's pool and by
// RedisSubscriber, which keeps its own.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const ClientOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends every command, then reads every reply (one round trip). An error reply is a Reply of
  // type kError; a transport failure is kUnavailable and leaves the connection broken().
  Result<std::vector<Reply>> run(const std::vector<std::vector<std::string>>& commands);
  bool broken() const { return broken_; }
  // The last transport failure was a timeout (not a closed or refused connection).
  bool timed_out() const { return timed_out_; }
  redisContext* context() { return context_; }

 private:
  explicit Connection(redisContext* context) : context_(context) {}
  Status transport_error();

  redisContext* context_;
  bool broken_ = false;
  bool timed_out_ = false;
};

// Copies a hiredis reply into a Reply.
Reply copy_reply(const void* hiredis_reply);

class RedisClient {
 public:
  explicit RedisClient(ClientOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  Result<Reply> command(const std::vector<std::string>& args);
  // Several commands in one round trip (e.g. MULTI ... EXEC); the first error reply fails all.
  Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string>>& commands);
  Result<Reply> eval(const Script& script, const std::vector<std::string>& keys,
                     const std::vector<std::string>& args);

  // The last call reached the server (true before any call).
  bool available() const { return available_.load(); }
  // How many times the client went from available to unavailable.
  uint64_t outages() const { return outages_.load(); }
  const ClientOptions& options() const { return options_; }

 private:
  Result<std::vector<Reply>> run_raw(const std::vector<std::vector<std::string>>& commands);
  Result<std::unique_ptr<Connection>> acquire(bool& reused);
  void release(std::unique_ptr<Connection> connection);
  void mark(const Status& outcome);

  ClientOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::atomic<int64_t> connect_after_ns_{0};
  std::atomic<bool> available_{true};
  std::atomic<uint64_t> outages_{0};
};

}  // namespace smg::redis
