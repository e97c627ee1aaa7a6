#include "server/discovery/desired_workers.h"

#include <catch2/catch.hpp>

using namespace smg::discovery;

namespace {

Pod ready_pod(std::string name, std::string ip, std::string uid = "") {
  Pod pod;
  pod.name = name;
  pod.namespace_name = "llm";
  pod.uid = uid.empty() ? "uid-" + name : uid;
  pod.phase = "Running";
  pod.pod_ip = std::move(ip);
  pod.ready = true;
  pod.labels = {{"app", "sglang-worker"}, {"tier", "gpu"}};
  return pod;
}

const LabelSelector kSelector = {{"app", "sglang-worker"}};

}  // namespace

TEST_CASE("discovery: parse_selector splits on the first '='", "[discovery][selector]") {
  auto selector =
      parse_selector({"app=sglang-worker", "expr=a=b", "novalue", "=x", "tier=", "app=w2"});
  REQUIRE(selector.size() == 3);
  CHECK(selector[0] == std::make_pair(std::string("app"), std::string("w2")));
  CHECK(selector[1] == std::make_pair(std::string("expr"), std::string("a=b")));
  CHECK(selector[2] == std::make_pair(std::string("tier"), std::string("")));
  CHECK(selector_query(selector) == "app=w2,expr=a=b,tier=");
}

TEST_CASE("discovery: selector_matches needs every pair, empty matches nothing",
          "[discovery][selector]") {
  std::map<std::string, std::string> labels = {{"app", "w"}, {"tier", "gpu"}};
  CHECK(selector_matches({{"app", "w"}}, labels));
  CHECK(selector_matches({{"app", "w"}, {"tier", "gpu"}}, labels));
  CHECK_FALSE(selector_matches({{"app", "w"}, {"tier", "cpu"}}, labels));
  CHECK_FALSE(selector_matches({{"zone", "a"}}, labels));
  CHECK_FALSE(selector_matches({}, labels));
}

TEST_CASE("discovery: worker_ports reads smg.ai/worker-ports", "[discovery][ports]") {
  Pod pod = ready_pod("a", "10.0.0.1");
  CHECK(worker_ports(pod, 80) == std::vector<int>{80});
  pod.annotations[kWorkerPortsAnnotation] = "8000, 8001,8000";
  CHECK(worker_ports(pod, 80) == std::vector<int>{8000, 8001});
  for (const char* bad : {"", "8000,", "x", "0", "65536", "80 80", "-1", "8000;8001"}) {
    INFO(bad);
    pod.annotations[kWorkerPortsAnnotation] = bad;
    CHECK(worker_ports(pod, 9000) == std::vector<int>{9000});
  }
}

TEST_CASE("discovery: only Ready, Running, live pods with an IP are wanted",
          "[discovery][desired]") {
  Pod pod = ready_pod("a", "10.0.0.1");
  CHECK(pod_is_addable(pod));
  SECTION("not ready") { pod.ready = false; }
  SECTION("pending") { pod.phase = "Pending"; }
  SECTION("succeeded") { pod.phase = "Succeeded"; }
  SECTION("terminating") { pod.terminating = true; }
  SECTION("no IP yet") { pod.pod_ip.clear(); }
  SECTION("no uid") { pod.uid.clear(); }
  CHECK_FALSE(pod_is_addable(pod));
  CHECK(desired_workers({pod}, kSelector, 8000).empty());
}

TEST_CASE("discovery: desired_workers gives one URL per pod port", "[discovery][desired]") {
  Pod a = ready_pod("a", "10.0.0.1");
  Pod b = ready_pod("b", "10.0.0.2");
  b.annotations[kWorkerPortsAnnotation] = "8000,8001";
  Pod other = ready_pod("c", "10.0.0.3");
  other.labels = {{"app", "something-else"}};
  Pod v6 = ready_pod("d", "fd00::1:2");
  auto wanted = desired_workers({a, b, other, v6}, kSelector, 30000);
  REQUIRE(wanted.size() == 4);
  CHECK(wanted.at("http://10.0.0.1:30000").pod_uid == "uid-a");
  CHECK(wanted.at("http://10.0.0.1:30000").pod_name == "a");
  CHECK(wanted.count("http://10.0.0.2:8000") == 1);
  CHECK(wanted.count("http://10.0.0.2:8001") == 1);
  CHECK(wanted.count("http://[fd00::1:2]:30000") == 1);
}

TEST_CASE("discovery: two pods on one URL resolve the same way in any order",
          "[discovery][desired]") {
  Pod first = ready_pod("a", "10.0.0.1", "uid-1");
  Pod second = ready_pod("b", "10.0.0.1", "uid-2");
  CHECK(desired_workers({first, second}, kSelector, 80).at("http://10.0.0.1:80").pod_uid ==
        "uid-1");
  CHECK(desired_workers({second, first}, kSelector, 80).at("http://10.0.0.1:80").pod_uid ==
        "uid-1");
}

TEST_CASE("discovery: a pod IP that makes no URL is skipped", "[discovery][desired][attack]") {
  for (const char* ip : {"10.0.0.1/evil", "a b", "user@10.0.0.1", "10.0.0.1?x=1", "10.0.0.1#f"}) {
    INFO(ip);
    CHECK(desired_workers({ready_pod("a", ip)}, kSelector, 80).empty());
  }
}

TEST_CASE("discovery: validate_discovery_config needs a selector and a port",
          "[discovery][config]") {
  DiscoveryConfig config;
  CHECK(validate_discovery_config(config).ok());  // off: nothing to check
  config.enabled = true;
  auto missing = validate_discovery_config(config);
  CHECK(missing.reason() == "config_invalid");
  CHECK(missing.message().find("--selector") != std::string::npos);
  config.selector = {{"app", "w"}};
  CHECK(validate_discovery_config(config).ok());
  config.port = 0;
  CHECK(validate_discovery_config(config).message().find("--service-discovery-port") !=
        std::string::npos);
}
