// Kubernetes service discovery end to end: the real DiscoveryService (libcurl, TLS verified
// against the stand-in API's own CA, bearer token from a file) against the stand-in API server,
// with real dev workers as the pods' endpoints, checked through the registry and direct HTTP.
#include <thread>

#include "tests/integration/discovery_support.h"

using namespace smg::test;
using smg::workers::WorkerStatus;

TEST_CASE("discovery: ready pods become workers that answer, not-ready ones do not",
          "[integration][discovery]") {
  PodWorkerProcess w0, w1;
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  auto other = FakeKubeApi::pod("other-app", "127.0.0.1", 9);
  other["metadata"]["labels"] = {{"app", "something-else"}};
  harness.api().put_pod(other);
  auto pending = FakeKubeApi::pod("w-1", "127.0.0.1", w1.port);
  pending["status"]["conditions"] = {{{"type", "Ready"}, {"status", "False"}}};
  harness.api().put_pod(pending);
  harness.start_discovery();

  REQUIRE(eventually([&] { return harness.has(w0.url()); }));
  auto worker = harness.worker_at(w0.url());
  CHECK(worker->spec().labels.at(smg::discovery::kPodUidLabel) == "uid-w-0");
  CHECK(worker->spec().labels.at(smg::discovery::kPodNameLabel) == "w-0");
  CHECK(chat_status(worker->url()) == 200);
  CHECK_FALSE(harness.has(w1.url()));
  CHECK(harness.discovered() == 1);
  CHECK(harness.api().lists() == 1);

  harness.api().set_ready("w-1", true);  // the pod turns ready: it gets traffic
  REQUIRE(eventually([&] { return harness.has(w1.url()); }));
  CHECK(chat_status(harness.worker_at(w1.url())->url()) == 200);
  CHECK(harness.api().lists() == 1);  // by WATCH, not by listing again
  CHECK(eventually([&] { return harness.service().stats().registrations == 2; }));
  auto stats = harness.service().stats();
  CHECK(stats.api_reachable);
  CHECK(harness.metrics().render().find(
            "smg_discovery_workers_discovered{source=\"kubernetes\"} 2") != std::string::npos);
}

TEST_CASE("discovery: deleted, not-ready, terminating and deselected pods are drained",
          "[integration][discovery]") {
  PodWorkerProcess w0, w1, w2, w3, manual;
  DiscoveryHarness harness;
  smg::workers::WorkerSpec hand;
  hand.url = manual.url();
  REQUIRE(harness.registry().add(hand).ok());
  int index = 0;
  for (auto* w : {&w0, &w1, &w2, &w3}) {
    harness.api().put_pod(FakeKubeApi::pod("w-" + std::to_string(index++), "127.0.0.1", w->port));
  }
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.discovered() == 4; }));

  SECTION("deleted: in-flight requests finish, new ones no longer go there") {
    auto held = harness.worker_at(w0.url());  // what a router holds for a request in flight
    int slow_status = 0;
    std::thread slow([&] { slow_status = chat_status(held->url(), 1500); });
    REQUIRE(eventually([&] { return harness.api().open_watches() == 1; }));
    harness.api().delete_pod("w-0");
    REQUIRE(eventually([&] { return !harness.has(w0.url()); }));
    CHECK(held->status() == WorkerStatus::kDraining);
    slow.join();
    CHECK(slow_status == 200);
  }
  SECTION("not ready") {
    harness.api().set_ready("w-1", false);
    REQUIRE(eventually([&] { return !harness.has(w1.url()); }));
  }
  SECTION("terminating (deletionTimestamp set, the pod still running its grace period)") {
    harness.api().set_terminating("w-2");
    REQUIRE(eventually([&] { return !harness.has(w2.url()); }));
    CHECK(chat_status(w2.url()) == 200);  // the pod still answers; the gateway stopped routing
  }
  SECTION("deselected (its labels no longer match)") {
    harness.api().set_labels("w-3", {{"app", "retired"}});
    REQUIRE(eventually([&] { return !harness.has(w3.url()); }));
  }
  CHECK(harness.discovered() == 3);
  // Counted just after the registry changes: wait for the count, not only the registry.
  CHECK(eventually([&] { return harness.service().stats().deregistrations == 1; }));
  CHECK(harness.has(manual.url()));  // hand-added: never touched
  CHECK(harness.registry().size() == 4);
}

TEST_CASE("discovery: the same URL with a new pod uid is replaced", "[integration][discovery]") {
  PodWorkerProcess w0;
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.has(w0.url()); }));
  auto before = harness.worker_at(w0.url());
  harness.api().delete_pod("w-0");
  auto successor = FakeKubeApi::pod("w-0b", "127.0.0.1", w0.port);  // a new pod, same IP:port
  harness.api().put_pod(successor);
  REQUIRE(eventually([&] {
    auto now = harness.worker_at(w0.url());
    return now && smg::discovery::discovered_pod_uid(*now) == "uid-w-0b";
  }));
  CHECK(harness.worker_at(w0.url())->id() != before->id());
  CHECK(before->status() == WorkerStatus::kDraining);
}

TEST_CASE("discovery: a dropped watch resumes from the last version without losing an event",
          "[integration][discovery]") {
  PodWorkerProcess w0, w1;
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.has(w0.url()) && harness.api().open_watches() == 1; }));
  harness.api().put_pod(FakeKubeApi::pod("unrelated", "127.0.0.1", 9, "other-app"));
  harness.api().bookmark();  // moves the watcher past an event its selector filtered out
  REQUIRE(eventually([&] { return harness.api().bookmarks_sent() == 1; }));
  std::string bookmarked = std::to_string(harness.api().version());

  harness.api().hold_watches(true);
  harness.api().drop_watches();  // the connection breaks mid-stream
  REQUIRE(eventually([&] { return harness.api().watches() == 2; }));
  CHECK(harness.api().last_watch_version() == bookmarked);  // resumes from the bookmark
  harness.api().put_pod(FakeKubeApi::pod("w-1", "127.0.0.1", w1.port));  // while reconnecting
  harness.api().hold_watches(false);
  REQUIRE(eventually([&] { return harness.has(w1.url()); }));
  CHECK(harness.api().lists() == 1);  // resumed, not re-listed
  CHECK(harness.api().expired_answers() == 0);
  CHECK(harness.has(w0.url()));
}

TEST_CASE("discovery: 410 Gone makes the watcher list again", "[integration][discovery]") {
  PodWorkerProcess w0, w1, w2;
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  harness.api().put_pod(FakeKubeApi::pod("w-1", "127.0.0.1", w1.port));
  harness.start_discovery();
  REQUIRE(
      eventually([&] { return harness.discovered() == 2 && harness.api().open_watches() == 1; }));

  SECTION("ERROR 410 on an open watch") {
    harness.api().compact();
    REQUIRE(eventually([&] { return harness.api().lists() == 2; }));
    CHECK(harness.api().expired_answers() >= 1);
    REQUIRE(eventually([&] { return harness.api().open_watches() == 1; }));
    harness.api().put_pod(FakeKubeApi::pod("w-2", "127.0.0.1", w2.port));
    REQUIRE(eventually([&] { return harness.has(w2.url()); }));
  }
  SECTION("changes made while the API was away, then compacted, are found by the LIST") {
    harness.api().stop();
    harness.api().delete_pod("w-0");
    harness.api().put_pod(FakeKubeApi::pod("w-2", "127.0.0.1", w2.port));
    harness.api().compact();  // the DELETED and ADDED events are gone from the history
    harness.api().start();
    REQUIRE(eventually([&] { return harness.has(w2.url()) && !harness.has(w0.url()); }));
    CHECK(harness.api().lists() == 2);
    CHECK(harness.has(w1.url()));
  }
  CHECK(harness.service().stats().relists >= 1);
}

TEST_CASE("discovery: a rotated token file is used", "[integration][discovery]") {
  PodWorkerProcess w0, w1;
  DiscoveryHarness harness("token-0");
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.has(w0.url()) && harness.api().open_watches() == 1; }));

  harness.api().set_token("token-1");  // the API now accepts only the new token
  harness.api().drop_watches();
  REQUIRE(eventually([&] {
    return harness.api().unauthorized() >= 1 && !harness.service().stats().api_reachable;
  }));
  harness.rotate_token_file("token-1");  // the kubelet writes the projected token
  harness.api().put_pod(FakeKubeApi::pod("w-1", "127.0.0.1", w1.port));
  REQUIRE(eventually([&] { return harness.has(w1.url()); }));
  CHECK(harness.service().stats().api_reachable);
  CHECK(harness.has(w0.url()));  // a 401 never removes workers
  CHECK(harness.metrics().render().find("reason=\"unauthorized\"") != std::string::npos);
}

TEST_CASE("discovery: the API down at start-up, and back later", "[integration][discovery]") {
  PodWorkerProcess w0, manual;
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", w0.port));
  harness.api().stop();
  smg::workers::WorkerSpec hand;
  hand.url = manual.url();
  REQUIRE(harness.registry().add(hand).ok());

  harness.start_discovery();  // does not fail: the gateway serves what it has
  REQUIRE(eventually([&] { return harness.service().stats().api_errors >= 3; }));
  CHECK_FALSE(harness.service().stats().synced);
  CHECK(harness.registry().size() == 1);
  CHECK(chat_status(manual.url()) == 200);
  std::string metrics = harness.metrics().render();
  CHECK(metrics.find("smg_discovery_api_reachable{source=\"kubernetes\"} 0") != std::string::npos);
  CHECK(metrics.find("reason=\"connect_failed\"") != std::string::npos);

  harness.api().start();
  REQUIRE(eventually([&] { return harness.has(w0.url()); }));
  CHECK(harness.service().stats().api_reachable);
  CHECK(harness.has(manual.url()));
}

TEST_CASE("discovery: TLS is verified against the configured CA",
          "[integration][discovery][attack]") {
  DiscoveryHarness harness;
  harness.api().put_pod(FakeKubeApi::pod("w-0", "127.0.0.1", 8000));
  // A kubeconfig trusting another CA: the API's certificate must be refused.
  write_self_signed_cert(harness.dir().file("other.crt"), harness.dir().file("other.key"));
  std::string text = read_file(harness.dir().file("kubeconfig"));
  text.replace(text.find("api.crt"), 7, "other.crt");
  write_file(harness.dir().file("kubeconfig"), text);
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.service().stats().api_errors >= 2; }));
  CHECK(harness.api().lists() == 0);  // no request got through the handshake
  CHECK(harness.discovered() == 0);
  CHECK(harness.metrics().render().find("reason=\"tls_failed\"") != std::string::npos);
}
