// The workers the pods in view call for: one `http://<podIP>:<port>` per port of every pod that
// is selected, Ready, Running and not terminating.
//
// Ports come from the annotation `smg.ai/worker-ports` ("8000,8001": deduplicated, in order; an
// invalid list falls back), else the discovery port. Unlike SMG, which leaves a not-ready pod's
// worker to its health checker, a pod that is not Ready is not wanted: Kubernetes takes it out of
// a Service's endpoints, and the gateway follows.
// Thread-safety: pure functions.
//
//   auto wanted = desired_workers(pods, config.selector, config.port);
//   for (const auto& [url, worker] : wanted) { /* worker.pod_uid, worker.pod_name */ }
#pragma once

#include <map>
#include <string>
#include <vector>

#include "server/discovery/discovery_config.h"
#include "server/discovery/pod.h"

namespace smg::discovery {

inline constexpr const char* kPodUidLabel = "smg.ai/pod-uid";
inline constexpr const char* kPodNameLabel = "smg.ai/pod-name";
inline constexpr const char* kWorkerPortsAnnotation = "smg.ai/worker-ports";

struct DesiredWorker {
  std::string url;  // http://10.0.0.7:8000 (IPv6 in brackets)
  std::string pod_uid;
  std::string pod_name;
};

// The pod's worker ports: the annotation's when it is a valid list of 1..65535, else {fallback}.
std::vector<int> worker_ports(const Pod& pod, int fallback_port);
// Ready=True, phase Running, no deletionTimestamp, and both a uid and a pod IP.
bool pod_is_addable(const Pod& pod);
// Keyed by URL. When two pods claim one URL (an IP reused while the old pod is still listed),
// the one whose uid sorts first wins, so the answer does not depend on the input order. A pod IP
// that makes no valid URL is skipped.
std::map<std::string, DesiredWorker> desired_workers(const std::vector<Pod>& pods,
                                                     const LabelSelector& selector,
                                                     int fallback_port);

}  // namespace smg::discovery
