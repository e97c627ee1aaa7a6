// Pod: the few fields of a Kubernetes Pod that discovery needs, read from the API's JSON, and a
// PodList page (LIST answers, paged with `limit` and `continue`).
//
// Parsing is lenient about what it does not use (unknown fields, missing status) and strict about
// shape: a Pod must be a JSON object with a `metadata` object, a PodList must have an `items`
// array. Thread-safety: plain values and pure functions.
//
//   auto page = smg::discovery::parse_pod_list(body);
//   if (page.ok()) for (const Pod& pod : page->pods) { if (pod.ready) { ... } }
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace smg::discovery {

struct Pod {
  std::string uid;               // metadata.uid
  std::string name;              // metadata.name
  std::string namespace_name;    // metadata.namespace
  std::string resource_version;  // metadata.resourceVersion
  std::string phase;             // status.phase ("Pending", "Running", ...)
  std::string pod_ip;            // status.podIP (empty until scheduled and networked)
  bool ready = false;            // status.conditions[type=Ready].status == "True"
  bool terminating = false;      // metadata.deletionTimestamp is set
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  // "namespace/name": the key the API's watch events refer to a pod by.
  std::string key() const { return namespace_name + "/" + name; }
};

struct PodListPage {
  std::vector<Pod> pods;
  std::string resource_version;  // metadata.resourceVersion: where a WATCH resumes
  std::string continue_token;    // metadata.continue: empty on the last page
};

// Fails with reason "kube_bad_object" when `object` is not a Pod-shaped JSON object.
Result<Pod> parse_pod(const nlohmann::json& object);
// Fails with reason "kube_bad_list" when `body` is not a PodList.
Result<PodListPage> parse_pod_list(std::string_view body);

}  // namespace smg::discovery
