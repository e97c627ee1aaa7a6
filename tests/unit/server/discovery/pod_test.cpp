#include "server/discovery/pod.h"

#include <catch2/catch.hpp>

using namespace smg::discovery;
using nlohmann::json;

TEST_CASE("discovery: parse_pod reads metadata and status", "[discovery][pod]") {
  auto pod = parse_pod(json::parse(R"({"metadata":{"name":"w-0","namespace":"llm","uid":"abc",
    "resourceVersion":"42","labels":{"app":"sglang-worker","n":7},
    "annotations":{"smg.ai/worker-ports":"8000,8001"}},
    "status":{"phase":"Running","podIP":"10.1.2.3","conditions":[
      {"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False"}]}})"));
  REQUIRE(pod.ok());
  CHECK(pod->name == "w-0");
  CHECK(pod->namespace_name == "llm");
  CHECK(pod->key() == "llm/w-0");
  CHECK(pod->uid == "abc");
  CHECK(pod->resource_version == "42");
  CHECK(pod->phase == "Running");
  CHECK(pod->pod_ip == "10.1.2.3");
  CHECK_FALSE(pod->ready);
  CHECK_FALSE(pod->terminating);
  CHECK(pod->labels == std::map<std::string, std::string>{{"app", "sglang-worker"}});
  CHECK(pod->annotations.at("smg.ai/worker-ports") == "8000,8001");

  SECTION("deletionTimestamp marks it terminating") {
    auto terminating = parse_pod(json::parse(
        R"({"metadata":{"name":"x","deletionTimestamp":"2026-01-01T00:00:00Z"},"status":null})"));
    REQUIRE(terminating.ok());
    CHECK(terminating->terminating);
    CHECK(terminating->phase.empty());
  }
  SECTION("Ready=True") {
    auto ready = parse_pod(json::parse(
        R"({"metadata":{},"status":{"conditions":[{"type":"Ready","status":"True"}]}})"));
    REQUIRE(ready.ok());
    CHECK(ready->ready);
  }
}

TEST_CASE("discovery: parse_pod_list reads a page", "[discovery][pod]") {
  auto page = parse_pod_list(R"({"kind":"PodList","apiVersion":"v1",
    "metadata":{"resourceVersion":"900","continue":"tok"},
    "items":[{"metadata":{"name":"a","uid":"1"}},{"metadata":{"name":"b","uid":"2"}}]})");
  REQUIRE(page.ok());
  CHECK(page->resource_version == "900");
  CHECK(page->continue_token == "tok");
  REQUIRE(page->pods.size() == 2);
  CHECK(page->pods[1].name == "b");

  auto empty = parse_pod_list(R"({"metadata":{"resourceVersion":"5"},"items":null})");
  REQUIRE(empty.ok());
  CHECK(empty->pods.empty());
  CHECK(empty->continue_token.empty());
}

TEST_CASE("discovery: parse_pod_list refuses what is not a PodList", "[discovery][pod][attack]") {
  for (const char* bad : {"", "[]", "{\"items\":{}}", "{\"metadata\":{}}", "{\"items\":[1]}",
                          "{\"items\":[{\"metadata\":[]}]}", "not json"}) {
    INFO(bad);
    auto page = parse_pod_list(bad);
    REQUIRE_FALSE(page.ok());
    CHECK(page.status().reason() == "kube_bad_list");
  }
}
