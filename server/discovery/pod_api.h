// PodApi: the two calls discovery makes to the Kubernetes API, LIST and WATCH of pods, as a seam
// so the watch loop can be tested without a server. KubeClient (kube_client.h) is the real one.
// Thread-safety: list_pods/watch_pods are called from one thread (the watcher's); cancel() may be
// called from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "server/discovery/pod.h"

namespace smg::discovery {

// Receives a WATCH body as it arrives; returning false ends the stream.
using ChunkHandler = std::function<bool(std::string_view chunk)>;

class PodApi {
 public:
  virtual ~PodApi() = default;
  // One LIST page; an empty token asks for the first. Reasons on failure: "kube_connect_failed",
  // "kube_tls_failed", "kube_timeout", "kube_unauthorized" (401), "kube_forbidden" (403),
  // "kube_gone" (410: the continue token expired), "kube_http_error", "kube_bad_list",
  // "kube_token_unreadable", "kube_cancelled", "kube_failed".
  virtual Result<PodListPage> list_pods(const std::string& continue_token) = 0;
  // WATCH from `resource_version` until the server ends the stream (OK), `on_chunk` says stop
  // ("kube_stream_aborted"), the connection drops ("kube_stream_dropped"), or one of the reasons
  // above ("kube_gone" for a 410 answer).
  virtual Status watch_pods(const std::string& resource_version, const ChunkHandler& on_chunk) = 0;
  // Ends a call in progress soon ("kube_cancelled") and fails every later one at once.
  virtual void cancel() = 0;
};

}  // namespace smg::discovery
