// SharedWorkers: the API-added workers of a cluster, kept in Redis so `POST/PUT/PATCH/DELETE
// /workers` on any replica reaches every replica (server.state.backend: redis;
// docs/shared-state.md).
//
// Layout: the hash `<prefix>workers` maps a worker id to its spec as a POST body (api_key
// included: replicas must send the same credential); each change is announced on the channel
// `<prefix>workers:changes` as {"op": "put"|"del", "id", "origin"}. Every replica subscribes
// (RedisSubscriber, its own thread) and applies other replicas' changes to its registry within
// milliseconds; on every (re)subscription it reconciles against the whole hash, since messages
// sent while it was disconnected are lost. Redis down: the registry keeps the last known set and
// keeps routing; a change through the API is refused (kUnavailable "worker_store_unavailable")
// rather than applied to one replica only. Health checks and circuit breakers stay per replica.
// Workers from --worker-urls or discovery are each replica's own and never enter Redis.
// Thread-safety: thread-safe. put()/erase() block on Redis (the blocking pool calls them).
//
//   SharedWorkers shared(registry, redis, subscriber_options, "smg:", "gw-a", on_added);
//   shared.start();
//   routes: registry.add(spec) → shared.put(id, spec)   (roll back the add on failure)
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/redis/redis_client.h"
#include "common/redis/redis_subscriber.h"
#include "server/workers/worker_registry.h"

namespace smg::workers {

// The spec as a POST /workers body, api_key included (for the shared store only).
nlohmann::json spec_to_body(const WorkerSpec& spec);

class SharedWorkers {
 public:
  using AddedHook = std::function<void(const std::shared_ptr<Worker>&)>;

  // REQUIRES: `registry` and `redis` outlive this.
  SharedWorkers(WorkerRegistry& registry, redis::RedisClient& redis,
                redis::ClientOptions subscriber_options, std::string key_prefix,
                std::string replica, AddedHook on_added);
  ~SharedWorkers();

  // Subscribes (and so reconciles) in the background; stop() ends that (idempotent).
  void start();
  void stop() { subscriber_.reset(); }
  // Stores the worker's spec and tells the other replicas.
  Status put(const std::string& id, const WorkerSpec& spec);
  // Deletes it from the store and tells the other replicas.
  Status erase(const std::string& id);
  // The worker is one of the cluster's API-added workers.
  bool is_shared(const std::string& id) const;
  // Subscribed and reconciled right now.
  bool connected() const { return subscriber_ != nullptr && subscriber_->connected(); }

 private:
  void on_message(const std::string& payload);
  void apply_put(const std::string& id, const std::string& body);
  void apply_delete(const std::string& id);
  void reconcile();

  WorkerRegistry& registry_;
  redis::RedisClient& redis_;
  redis::ClientOptions subscriber_options_;
  std::string hash_key_;
  std::string channel_;
  std::string replica_;
  AddedHook on_added_;
  mutable std::mutex mutex_;  // shared_ids_, and one change applied at a time
  std::set<std::string> shared_ids_;
  std::unique_ptr<redis::RedisSubscriber> subscriber_;
};

}  // namespace smg::workers
