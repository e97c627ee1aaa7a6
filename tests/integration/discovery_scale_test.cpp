// 500 pods at once: listed over several pages at start-up, and arriving as one burst of WATCH
// events. The pods' addresses are never called (no health checker runs), so they need no server.
#include <cstdio>

#include "tests/integration/discovery_support.h"

using namespace smg::test;

namespace {

std::string pod_ip(int i) {
  return "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
}

std::vector<nlohmann::json> pods(int first, int count) {
  std::vector<nlohmann::json> out;
  for (int i = first; i < first + count; ++i) {
    out.push_back(FakeKubeApi::pod("w-" + std::to_string(i), pod_ip(i), 8000));
  }
  return out;
}

}  // namespace

TEST_CASE("discovery: 500 pods appearing at once", "[integration][discovery][scale]") {
  DiscoveryHarness harness;
  harness.api().put_pods(pods(0, 250));  // present at start-up: LIST in pages of 100
  auto started = std::chrono::steady_clock::now();
  harness.start_discovery();
  REQUIRE(eventually([&] { return harness.discovered() == 250; }, 30s));
  std::chrono::duration<double, std::milli> listed = std::chrono::steady_clock::now() - started;
  CHECK(harness.api().lists() == 3);  // 100 + 100 + 50
  REQUIRE(eventually([&] { return harness.api().open_watches() == 1; }));

  started = std::chrono::steady_clock::now();
  harness.api().put_pods(pods(250, 500));  // 500 more at once, by WATCH
  REQUIRE(eventually([&] { return harness.discovered() == 750; }, 30s));
  std::chrono::duration<double, std::milli> watched = std::chrono::steady_clock::now() - started;
  CHECK(harness.api().lists() == 3);
  // The service counts a registration just after the registry shows it: wait for the count.
  CHECK(eventually([&] { return harness.service().stats().registrations == 750; }));
  for (int i : {0, 249, 250, 749}) {
    auto worker = harness.worker_at("http://" + pod_ip(i) + ":8000");
    REQUIRE(worker);
    CHECK(smg::discovery::discovered_pod_uid(*worker) == "uid-w-" + std::to_string(i));
  }

  started = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) harness.api().delete_pod("w-" + std::to_string(i));
  REQUIRE(eventually([&] { return harness.discovered() == 250; }, 30s));
  std::chrono::duration<double, std::milli> deleted = std::chrono::steady_clock::now() - started;
  std::printf(
      "discovery scale: 250 pods listed in %.0f ms, 500 added by watch in %.0f ms, "
      "500 deleted in %.0f ms\n",
      listed.count(), watched.count(), deleted.count());
}
