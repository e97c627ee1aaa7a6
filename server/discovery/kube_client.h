// KubeClient: PodApi over libcurl, with TLS verified against the connection's CA (or the system
// store), a bearer token read afresh for every request (so a rotated projected token is used as
// soon as the kubelet writes it) or a client certificate.
//
// LIST:  GET {server}/api/v1[/namespaces/{ns}]/pods?labelSelector=..&limit=N[&continue=..]
// WATCH: GET ...?labelSelector=..&watch=true&resourceVersion=RV&allowWatchBookmarks=true
//        &timeoutSeconds=T, read as a stream (the server ends it after T seconds).
// One connection is reused from LIST to WATCH. A stalled WATCH (no byte, not even a BOOKMARK, for
// T + 60 s) is given up as dropped.
// Thread-safety: as PodApi; one thread makes the calls.
//
//   KubeClient client(*resolve_kube_connection(""), {.namespace_name = "llm",
//                                                    .selector = {{"app", "sglang-worker"}}});
//   auto page = client.list_pods("");
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "server/discovery/discovery_config.h"
#include "server/discovery/kube_config.h"
#include "server/discovery/pod_api.h"

namespace smg::discovery {

struct PodQuery {
  std::string namespace_name;  // empty: all namespaces
  LabelSelector selector;      // sent as labelSelector (the API filters; we check again)
  int page_size = 500;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::seconds watch_timeout{290};
};

struct KubeExchange;  // one request's state, private to kube_client.cpp

class KubeClient final : public PodApi {
 public:
  KubeClient(KubeConnection connection, PodQuery query);
  ~KubeClient() override;
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  Result<PodListPage> list_pods(const std::string& continue_token) override;
  Status watch_pods(const std::string& resource_version, const ChunkHandler& on_chunk) override;
  // Also shuts the open sockets down, so an idle WATCH ends at once, not at libcurl's next
  // once-a-second progress check.
  void cancel() override;

  // The LIST URL for the first page (for logs and tests).
  std::string list_url(const std::string& continue_token) const;
  std::string watch_url(const std::string& resource_version) const;

 private:
  Status perform(const std::string& url, KubeExchange& exchange, std::chrono::milliseconds timeout);
  std::string pods_path() const;
  static curl_socket_t open_socket(void* client, curlsocktype purpose, curl_sockaddr* address);
  static int close_socket(void* client, curl_socket_t fd);
  std::string escape(const std::string& text) const;

  const KubeConnection connection_;
  const PodQuery query_;
  CURL* curl_ = nullptr;  // reused so LIST and WATCH share a connection
  std::atomic<bool> cancelled_{false};
  std::mutex sockets_mutex_;
  std::set<int> sockets_;  // open by libcurl now (recorded by its open/close socket callbacks)
};

}  // namespace smg::discovery
