// PodWatcher: the LIST-then-WATCH loop (the informer pattern) on a thread of its own, keeping a
// store of the selected pods and telling a Listener when it changes.
//
//   LIST (every page) → store replaced, resourceVersion = the list's → WATCH from it:
//     ADDED/MODIFIED → store[ns/name] = pod; DELETED → erased; BOOKMARK → only the version moves
//     ERROR 410 or HTTP 410 → LIST again (the version is too old)
//     stream ended by the server (timeoutSeconds) → WATCH again from the last version
//     dropped, refused, 5xx, 401 ... → back off (doubling, jittered, capped), then WATCH again
//       from the last version (a malformed event: LIST again, since one may have been lost)
// The Listener runs on the watcher's thread, once per LIST and once per WATCH chunk that changed
// the store (so 500 pods added at once are reconciled in a few passes, not 500).
// Thread-safety: start/stop/pods/synced may be called from any thread; stop() joins within about
// a second (libcurl checks the cancel flag at least once a second).
//
//   PodWatcher watcher(api, {.backoff_initial = 800ms}, listener);
//   watcher.start();
//   ...
//   watcher.stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/discovery/pod_api.h"
#include "server/discovery/watch_event.h"

namespace smg::discovery {

struct WatcherOptions {
  std::chrono::milliseconds backoff_initial{800};
  std::chrono::milliseconds backoff_max{30000};
};

class PodWatcherListener {
 public:
  virtual ~PodWatcherListener() = default;
  // The store after a LIST or after a WATCH chunk that changed it.
  virtual void on_pods(const std::vector<Pod>& pods) = 0;
  // A LIST or WATCH succeeded (connected and answered 200).
  virtual void on_api_ok() = 0;
  // A LIST or WATCH failed; the watcher waits `retry_in` before the next attempt.
  virtual void on_api_error(const Status& status, std::chrono::milliseconds retry_in) = 0;
  // The watcher is about to LIST again (410, or a malformed event).
  virtual void on_relist(const std::string& why) = 0;
};

class PodWatcher {
 public:
  // REQUIRES: `api` and `listener` outlive the watcher.
  PodWatcher(PodApi& api, WatcherOptions options, PodWatcherListener& listener);
  ~PodWatcher();
  PodWatcher(const PodWatcher&) = delete;
  PodWatcher& operator=(const PodWatcher&) = delete;

  void start();  // idempotent
  void stop();   // cancels the API call in progress, joins; idempotent

  std::vector<Pod> pods() const;
  // True once a LIST has completed (the store reflects the cluster, if perhaps stale).
  bool synced() const { return synced_.load(); }
  std::string resource_version() const;
  uint64_t lists() const { return lists_.load(); }      // completed LISTs
  uint64_t watches() const { return watches_.load(); }  // WATCH requests made

  // One step each, on the caller's thread (the loop's parts, for tests).
  Status list_all();
  // Fails with "kube_gone" when the server says the version expired (ERROR 410 or HTTP 410).
  Status watch_once();

 private:
  void run();
  bool wait_for(std::chrono::milliseconds delay);  // false when stopping
  std::chrono::milliseconds next_backoff();
  // Applies one chunk's complete lines; false ends the stream (an ERROR, a bad line).
  bool apply_chunk(std::string_view chunk, WatchLineBuffer& buffer, Status& stream_status);
  bool apply_event(const WatchEvent& event, Status& stream_status);

  PodApi& api_;
  const WatcherOptions options_;
  PodWatcherListener& listener_;

  mutable std::mutex store_mutex_;
  std::map<std::string, Pod> store_;  // by namespace/name
  std::string resource_version_;

  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<bool> synced_{false};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> watches_{0};
  std::chrono::milliseconds backoff_{0};
  uint64_t jitter_state_;
};

}  // namespace smg::discovery
