#include "server/discovery/pod.h"

namespace smg::discovery {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Kubernetes label and annotation values are strings; anything else is skipped, not fatal.
std::map<std::string, std::string> string_map_at(const nlohmann::json& object, const char* key) {
  std::map<std::string, std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return out;
  for (const auto& [name, value] : it->items()) {
    if (value.is_string()) out.emplace(name, value.get<std::string>());
  }
  return out;
}

bool ready_condition(const nlohmann::json& status) {
  auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return false;
  for (const auto& condition : *conditions) {
    if (condition.is_object() && string_at(condition, "type") == "Ready") {
      return string_at(condition, "status") == "True";
    }
  }
  return false;
}

}  // namespace

Result<Pod> parse_pod(const nlohmann::json& object) {
  if (!object.is_object()) {
    return invalid_argument("kube_bad_object", "pod is not a JSON object");
  }
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) {
    return invalid_argument("kube_bad_object", "pod has no metadata object");
  }
  Pod pod;
  pod.uid = string_at(*metadata, "uid");
  pod.name = string_at(*metadata, "name");
  pod.namespace_name = string_at(*metadata, "namespace");
  pod.resource_version = string_at(*metadata, "resourceVersion");
  auto deletion = metadata->find("deletionTimestamp");
  pod.terminating = deletion != metadata->end() && !deletion->is_null();
  pod.labels = string_map_at(*metadata, "labels");
  pod.annotations = string_map_at(*metadata, "annotations");
  auto status = object.find("status");
  if (status != object.end() && status->is_object()) {
    pod.phase = string_at(*status, "phase");
    pod.pod_ip = string_at(*status, "podIP");
    pod.ready = ready_condition(*status);
  }
  return pod;
}

Result<PodListPage> parse_pod_list(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return invalid_argument("kube_bad_list", "pod list is not a JSON object");
  }
  auto items = doc.find("items");
  // An empty list may come as `"items": null` from some API servers.
  if (items != doc.end() && !items->is_array() && !items->is_null()) {
    return invalid_argument("kube_bad_list", "pod list items is not an array");
  }
  if (items == doc.end()) {
    return invalid_argument("kube_bad_list", "pod list has no items");
  }
  PodListPage page;
  auto metadata = doc.find("metadata");
  if (metadata != doc.end() && metadata->is_object()) {
    page.resource_version = string_at(*metadata, "resourceVersion");
    page.continue_token = string_at(*metadata, "continue");
  }
  if (items->is_array()) {
    page.pods.reserve(items->size());
    for (const auto& item : *items) {
      auto pod = parse_pod(item);
      if (!pod.ok()) {
        return invalid_argument("kube_bad_list", "pod list item: " + pod.status().message());
      }
      page.pods.push_back(std::move(*pod));
    }
  }
  return page;
}

}  // namespace smg::discovery
