#include "server/discovery/discovery_service.h"

#include <catch2/catch.hpp>

#include "common/clock/clock.h"
#include "tests/support/eventually.h"
#include "tests/unit/server/discovery/fake_pod_api.h"

using namespace smg::discovery;
using namespace smg::discovery::test;
using namespace std::chrono_literals;

namespace {

DiscoveryConfig fast_config() {
  DiscoveryConfig config;
  config.enabled = true;
  config.selector = {{"app", "w"}};
  config.port = 8000;
  config.backoff_initial = 2ms;
  config.backoff_max = 8ms;
  config.resync_interval = 3600s;  // tests call resync_now()
  return config;
}

std::vector<std::string> urls(const smg::workers::WorkerRegistry& registry) {
  std::vector<std::string> out;
  auto snapshot = registry.snapshot();
  for (const auto& worker : *snapshot) out.push_back(worker->url());
  return out;
}

}  // namespace

TEST_CASE("discovery: the service turns watched pods into workers", "[discovery][service]") {
  smg::FixedClock clock(1000);
  smg::workers::WorkerRegistry registry({}, clock);
  smg::workers::WorkerSpec manual;
  manual.url = "http://192.168.0.9:9000";
  REQUIRE(registry.add(manual).ok());
  smg::metrics::Registry metrics;
  auto api = std::make_unique<FakePodApi>();
  FakePodApi& fake = *api;
  int woken = 0;
  DiscoveryService service(fast_config(), std::move(api), registry, metrics,
                           [&](const auto&) { ++woken; });

  auto other_app = pod_json("x", "10.0.0.9", "3", true, "other");
  fake.queue_list(page_of(
      {pod_json("a", "10.0.0.1", "4"), pod_json("b", "10.0.0.2", "5", false), other_app}, "10"));
  service.start();
  REQUIRE(smg::test::eventually([&] { return fake.idle(); }));
  CHECK(urls(registry) ==
        std::vector<std::string>{"http://192.168.0.9:9000", "http://10.0.0.1:8000"});
  CHECK(woken == 1);

  fake.queue_watch({{event_line("MODIFIED", pod_json("b", "10.0.0.2", "11")),
                     event_line("DELETED", pod_json("a", "10.0.0.1", "12"))},
                    smg::Status::ok_status()});
  REQUIRE(
      smg::test::eventually([&] { return service.stats().deregistrations == 1 && fake.idle(); }));
  CHECK(urls(registry) ==
        std::vector<std::string>{"http://192.168.0.9:9000", "http://10.0.0.2:8000"});
  auto stats = service.stats();
  CHECK(stats.registrations == 2);
  CHECK(stats.discovered == 1);
  CHECK(stats.synced);
  CHECK(stats.api_reachable);

  std::string text = metrics.render();
  CHECK(text.find("smg_discovery_workers_discovered{source=\"kubernetes\"} 1") !=
        std::string::npos);
  CHECK(text.find("smg_discovery_registrations_total{source=\"kubernetes\"} 2") !=
        std::string::npos);
  CHECK(text.find("smg_discovery_deregistrations_total{source=\"kubernetes\"} 1") !=
        std::string::npos);
  CHECK(text.find("smg_discovery_api_reachable{source=\"kubernetes\"} 1") != std::string::npos);
  CHECK(text.find("smg_discovery_sync_duration_seconds_count{source=\"kubernetes\"}") !=
        std::string::npos);

  SECTION("a discovered worker deleted by hand is back after the periodic pass") {
    auto discovered = registry.list();
    REQUIRE(registry.remove(discovered.back()->id()).ok());
    service.resync_now();
    CHECK(urls(registry) ==
          std::vector<std::string>{"http://192.168.0.9:9000", "http://10.0.0.2:8000"});
  }
  SECTION("stop leaves the workers in place") {
    service.stop();
    CHECK(registry.size() == 2);
  }
}

TEST_CASE("discovery: the service starts while the API is down and says so",
          "[discovery][service]") {
  smg::FixedClock clock(1000);
  smg::workers::WorkerRegistry registry({}, clock);
  smg::workers::WorkerSpec manual;
  manual.url = "http://192.168.0.9:9000";
  REQUIRE(registry.add(manual).ok());
  smg::metrics::Registry metrics;
  auto api = std::make_unique<FakePodApi>();
  FakePodApi& fake = *api;
  DiscoveryService service(fast_config(), std::move(api), registry, metrics);
  service.start();
  REQUIRE(smg::test::eventually([&] { return service.stats().api_errors >= 3; }));
  CHECK_FALSE(service.stats().synced);
  CHECK_FALSE(service.stats().api_reachable);
  CHECK(registry.size() == 1);  // the hand-added worker keeps serving
  std::string text = metrics.render();
  CHECK(text.find("smg_discovery_api_reachable{source=\"kubernetes\"} 0") != std::string::npos);
  CHECK(text.find(
            "smg_discovery_api_errors_total{source=\"kubernetes\",reason=\"connect_failed\"}") !=
        std::string::npos);
  service.resync_now();  // before the first LIST: must not remove or add anything
  CHECK(registry.size() == 1);

  fake.queue_list(page_of({pod_json("a", "10.0.0.1", "4")}, "10"));
  REQUIRE(
      smg::test::eventually([&] { return service.stats().api_reachable && registry.size() == 2; }));
}
