#include "server/discovery/desired_workers.h"

#include <algorithm>
#include <charconv>

#include "server/workers/worker_body.h"

namespace smg::discovery {
namespace {

bool parse_port(std::string_view text, int& port) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port >= 1 && port <= 65535;
}

// In the registry's normalized form, so the reconciler compares like with like; a pod IP that
// makes no valid URL gives none.
std::string worker_url(const std::string& ip, int port) {
  bool v6 = ip.find(':') != std::string::npos;
  auto url = workers::normalize_worker_url("http://" + (v6 ? "[" + ip + "]" : ip) + ":" +
                                           std::to_string(port));
  return url.ok() ? *url : std::string();
}

}  // namespace

std::vector<int> worker_ports(const Pod& pod, int fallback_port) {
  auto annotation = pod.annotations.find(kWorkerPortsAnnotation);
  if (annotation == pod.annotations.end()) return {fallback_port};
  std::vector<int> ports;
  std::string_view rest = annotation->second;
  while (true) {
    auto comma = rest.find(',');
    int port = 0;
    if (!parse_port(rest.substr(0, comma), port)) return {fallback_port};
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ports;
}

bool pod_is_addable(const Pod& pod) {
  return pod.ready && pod.phase == "Running" && !pod.terminating && !pod.uid.empty() &&
         !pod.pod_ip.empty();
}

std::map<std::string, DesiredWorker> desired_workers(const std::vector<Pod>& pods,
                                                     const LabelSelector& selector,
                                                     int fallback_port) {
  std::map<std::string, DesiredWorker> out;
  for (const Pod& pod : pods) {
    if (!pod_is_addable(pod) || !selector_matches(selector, pod.labels)) continue;
    for (int port : worker_ports(pod, fallback_port)) {
      DesiredWorker worker{worker_url(pod.pod_ip, port), pod.uid, pod.name};
      if (worker.url.empty()) continue;
      auto [it, inserted] = out.emplace(worker.url, worker);
      if (!inserted && worker.pod_uid < it->second.pod_uid) it->second = std::move(worker);
    }
  }
  return out;
}

}  // namespace smg::discovery
