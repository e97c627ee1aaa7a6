#include "server/workers/shared_workers.h"

#include <map>

#include "common/log/logger.h"

namespace smg::workers {
namespace {

constexpr const char* kTarget = "smg::workers";

Status store_unavailable() {
  return unavailable("worker_store_unavailable",
                     "The shared worker store (Redis) is unavailable; try again");
}

}  // namespace

nlohmann::json spec_to_body(const WorkerSpec& spec) {
  nlohmann::json body = {{"url", spec.url},
                         {"models", spec.models},
                         {"worker_type", worker_type_name(spec.worker_type)},
                         {"priority", spec.priority},
                         {"cost", spec.cost},
                         {"labels", spec.labels}};
  if (!spec.model_id.empty()) body["model_id"] = spec.model_id;
  if (!spec.api_key.empty()) body["api_key"] = spec.api_key.reveal();
  return body;
}

SharedWorkers::SharedWorkers(WorkerRegistry& registry, redis::RedisClient& redis,
                             redis::ClientOptions subscriber_options, std::string key_prefix,
                             std::string replica, AddedHook on_added)
    : registry_(registry),
      redis_(redis),
      subscriber_options_(std::move(subscriber_options)),
      hash_key_(key_prefix + "workers"),
      channel_(key_prefix + "workers:changes"),
      replica_(std::move(replica)),
      on_added_(std::move(on_added)) {}

SharedWorkers::~SharedWorkers() { subscriber_.reset(); }

void SharedWorkers::start() {
  subscriber_ = std::make_unique<redis::RedisSubscriber>(
      subscriber_options_, std::vector<std::string>{channel_},
      redis::RedisSubscriber::Handlers{
          .on_message = [this](const std::string&, const std::string& payload) {
            on_message(payload);
          },
          .on_subscribed = [this] { reconcile(); }});
}

Status SharedWorkers::put(const std::string& id, const WorkerSpec& spec) {
  nlohmann::json change = {{"op", "put"}, {"id", id}, {"origin", replica_}};
  auto done = redis_.pipeline({{"HSET", hash_key_, id, spec_to_body(spec).dump()},
                               {"PUBLISH", channel_, change.dump()}});
  if (!done.ok()) return store_unavailable();
  std::lock_guard<std::mutex> lock(mutex_);
  shared_ids_.insert(id);
  return Status::ok_status();
}

Status SharedWorkers::erase(const std::string& id) {
  nlohmann::json change = {{"op", "del"}, {"id", id}, {"origin", replica_}};
  auto done =
      redis_.pipeline({{"HDEL", hash_key_, id}, {"PUBLISH", channel_, change.dump()}});
  if (!done.ok()) return store_unavailable();
  std::lock_guard<std::mutex> lock(mutex_);
  shared_ids_.erase(id);
  return Status::ok_status();
}

bool SharedWorkers::is_shared(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return shared_ids_.count(id) != 0;
}

void SharedWorkers::on_message(const std::string& payload) {
  auto change = nlohmann::json::parse(payload, nullptr, false);
  if (!change.is_object() || !change["id"].is_string() || !change["op"].is_string()) return;
  if (change.value("origin", "") == replica_) return;  // applied when it was made
  std::string id = change["id"].get<std::string>();
  if (!is_uuid(id)) return;
  if (change["op"] == "del") {
    apply_delete(id);
    return;
  }
  auto body = redis_.command({"HGET", hash_key_, id});
  if (!body.ok()) return;  // the reconcile after the reconnect catches up
  if (body->is_string()) {
    apply_put(id, body->text);
  } else {
    apply_delete(id);  // deleted again since
  }
}

void SharedWorkers::apply_put(const std::string& id, const std::string& body) {
  auto spec = parse_worker_body(nlohmann::json::parse(body, nullptr, false));
  if (!spec.ok()) {
    log::warn(kTarget, "shared worker ignored: bad spec", {{"worker_id", id}});
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto existing = registry_.get(id)) {
    if (existing->url() == spec->url) {
      if (spec->api_key.empty()) spec->api_key = existing->spec().api_key;
      existing->set_spec(std::move(*spec));
      shared_ids_.insert(id);
      return;
    }
    (void)registry_.remove(id);  // a worker's URL never changes: this is a different one
  }
  auto added = registry_.add_with_id(id, std::move(*spec));
  if (!added.ok()) {
    log::warn(kTarget, "shared worker not added here",
              {{"worker_id", id}, {"error", added.status().message()}});
    return;
  }
  shared_ids_.insert(id);
  log::info(kTarget, "shared worker added", {{"worker_id", id}, {"url", (*added)->url()}});
  if (on_added_) on_added_(*added);
}

void SharedWorkers::apply_delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (shared_ids_.erase(id) == 0) return;  // never ours to remove (--worker-urls, discovery)
  if (registry_.remove(id).ok()) log::info(kTarget, "shared worker removed", {{"worker_id", id}});
}

void SharedWorkers::reconcile() {
  // The ids known before reading: one put() while HGETALL runs must not be undone below.
  std::set<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known = shared_ids_;
  }
  auto all = redis_.command({"HGETALL", hash_key_});
  if (!all.ok() || !all->is_array()) return;  // the subscriber reconnects and tries again
  std::map<std::string, std::string> stored;
  for (std::size_t i = 0; i + 1 < all->elements.size(); i += 2) {
    stored[all->elements[i].text] = all->elements[i + 1].text;
  }
  for (const auto& [id, body] : stored) {
    if (is_uuid(id)) apply_put(id, body);
  }
  for (const auto& id : known) {
    if (stored.count(id) == 0) apply_delete(id);
  }
  log::info(kTarget, "shared workers reconciled", {{"workers", std::to_string(stored.size())}});
}

}  // namespace smg::workers
