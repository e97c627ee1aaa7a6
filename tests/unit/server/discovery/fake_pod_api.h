// FakePodApi: a scripted PodApi for the watcher and service tests. LIST answers and WATCH
// streams are queued; a WATCH with nothing queued blocks until cancel(), like an idle stream.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/discovery/pod_api.h"

namespace smg::discovery::test {

struct WatchScript {
  std::vector<std::string> chunks;
  Status end;  // what watch_pods returns after the chunks (OK: the server ended the stream)
};

class FakePodApi final : public PodApi {
 public:
  void queue_list(Result<PodListPage> page) {
    std::lock_guard<std::mutex> guard(mutex_);
    lists_.push_back(std::move(page));
    cv_.notify_all();
  }
  void queue_watch(WatchScript script) {
    std::lock_guard<std::mutex> guard(mutex_);
    watches_.push_back(std::move(script));
    cv_.notify_all();
  }

  Result<PodListPage> list_pods(const std::string& continue_token) override {
    std::lock_guard<std::mutex> guard(mutex_);
    continue_tokens_.push_back(continue_token);
    if (cancelled_) return unavailable("kube_cancelled", "stopped");
    if (lists_.empty()) return unavailable("kube_connect_failed", "no LIST scripted");
    auto page = std::move(lists_.front());
    lists_.pop_front();
    return page;
  }

  Status watch_pods(const std::string& resource_version, const ChunkHandler& on_chunk) override {
    WatchScript script;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      watch_versions_.push_back(resource_version);
      waiting_ = watches_.empty();
      cv_.wait(lock, [this] { return cancelled_ || !watches_.empty(); });
      waiting_ = false;
      if (cancelled_) return unavailable("kube_cancelled", "stopped");
      script = std::move(watches_.front());
      watches_.pop_front();
    }
    for (const auto& chunk : script.chunks) {
      if (!on_chunk(chunk)) return unavailable("kube_stream_aborted", "reader stopped");
    }
    return script.end;
  }

  void cancel() override {
    std::lock_guard<std::mutex> guard(mutex_);
    cancelled_ = true;
    cv_.notify_all();
  }

  std::vector<std::string> watch_versions() {
    std::lock_guard<std::mutex> guard(mutex_);
    return watch_versions_;
  }
  std::vector<std::string> continue_tokens() {
    std::lock_guard<std::mutex> guard(mutex_);
    return continue_tokens_;
  }
  // A WATCH is open with nothing scripted: the watcher has consumed everything so far.
  bool idle() {
    std::lock_guard<std::mutex> guard(mutex_);
    return waiting_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Result<PodListPage>> lists_;
  std::deque<WatchScript> watches_;
  std::vector<std::string> watch_versions_;
  std::vector<std::string> continue_tokens_;
  bool waiting_ = false;
  bool cancelled_ = false;
};

// A Ready, Running pod JSON object in the API's shape.
inline nlohmann::json pod_json(const std::string& name, const std::string& ip,
                               const std::string& version, bool ready = true,
                               const std::string& app = "w") {
  return {{"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "llm"},
            {"uid", "uid-" + name},
            {"resourceVersion", version},
            {"labels", {{"app", app}}}}},
          {"status",
           {{"phase", "Running"},
            {"podIP", ip},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

inline std::string event_line(const std::string& type, const nlohmann::json& object) {
  return nlohmann::json{{"type", type}, {"object", object}}.dump() + "\n";
}

inline std::string bookmark_line(const std::string& version) {
  return event_line("BOOKMARK", {{"kind", "Pod"}, {"metadata", {{"resourceVersion", version}}}});
}

inline PodListPage page_of(std::vector<nlohmann::json> pods, const std::string& version,
                           const std::string& continue_token = "") {
  nlohmann::json list = {{"kind", "PodList"},
                         {"metadata", {{"resourceVersion", version}, {"continue", continue_token}}},
                         {"items", pods}};
  return *parse_pod_list(list.dump());
}

}  // namespace smg::discovery::test
