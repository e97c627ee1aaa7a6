#include "server/metrics/metrics.h"

#include <catch2/catch.hpp>

#include <thread>

using smg::metrics::format_labels;
using smg::metrics::Registry;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("metrics: counters and gauges render in the text format", "[metrics]") {
  Registry registry;
  auto& ok = registry.counter("smg_requests_total", "Requests", {{"class", "data"}, {"status", "200"}});
  ok.inc();
  ok.inc(2);
  CHECK(&registry.counter("smg_requests_total", "Requests",
                          {{"class", "data"}, {"status", "200"}}) == &ok);
  registry.counter("smg_requests_total", "Requests", {{"class", "data"}, {"status", "500"}}).inc();
  auto& in_flight = registry.gauge("smg_in_flight", "In-flight requests");
  in_flight.set(5);
  in_flight.add(-2);
  std::string text = registry.render();
  INFO(text);
  CHECK(has_line(text, "# HELP smg_requests_total Requests"));
  CHECK(has_line(text, "# TYPE smg_requests_total counter"));
  CHECK(has_line(text, "smg_requests_total{class=\"data\",status=\"200\"} 3"));
  CHECK(has_line(text, "smg_requests_total{class=\"data\",status=\"500\"} 1"));
  CHECK(has_line(text, "# TYPE smg_in_flight gauge"));
  CHECK(has_line(text, "smg_in_flight 3"));
  // HELP and TYPE come once per family, before its samples.
  CHECK(text.find("# TYPE smg_requests_total") == text.rfind("# TYPE smg_requests_total"));
  CHECK(text.find("# TYPE smg_requests_total") < text.find("smg_requests_total{"));
  CHECK(text.back() == '\n');
}

TEST_CASE("metrics: histogram buckets are cumulative", "[metrics]") {
  Registry registry;
  auto& h = registry.histogram("smg_latency_seconds", "Latency", {{"route", "chat"}},
                               {0.01, 0.1, 1});
  h.observe(0.005);
  h.observe(0.01);  // on a bound: counted in that bucket (le is inclusive)
  h.observe(0.5);
  h.observe(7);
  CHECK(h.cumulative_counts() == std::vector<uint64_t>{2, 2, 3, 4});
  CHECK(h.count() == 4);
  CHECK(h.sum() == Approx(7.515));
  std::string text = registry.render();
  INFO(text);
  CHECK(has_line(text, "# TYPE smg_latency_seconds histogram"));
  CHECK(has_line(text, "smg_latency_seconds_bucket{route=\"chat\",le=\"0.01\"} 2"));
  CHECK(has_line(text, "smg_latency_seconds_bucket{route=\"chat\",le=\"0.1\"} 2"));
  CHECK(has_line(text, "smg_latency_seconds_bucket{route=\"chat\",le=\"1\"} 3"));
  CHECK(has_line(text, "smg_latency_seconds_bucket{route=\"chat\",le=\"+Inf\"} 4"));
  CHECK(has_line(text, "smg_latency_seconds_sum{route=\"chat\"} 7.515"));
  CHECK(has_line(text, "smg_latency_seconds_count{route=\"chat\"} 4"));
  SECTION("without labels") {
    registry.histogram("smg_plain", "Plain", {}, {1}).observe(2);
    std::string plain = registry.render();
    CHECK(has_line(plain, "smg_plain_bucket{le=\"1\"} 0"));
    CHECK(has_line(plain, "smg_plain_bucket{le=\"+Inf\"} 1"));
    CHECK(has_line(plain, "smg_plain_count 1"));
  }
  SECTION("latency buckets are sorted and end at 60 s") {
    auto bounds = smg::metrics::latency_buckets();
    CHECK(std::is_sorted(bounds.begin(), bounds.end()));
    CHECK(bounds.back() == 60);
  }
}

TEST_CASE("metrics: label values are escaped", "[metrics][attack]") {
  CHECK(format_labels({}) == "");
  CHECK(format_labels({{"a", "x"}, {"b", "y"}}) == "{a=\"x\",b=\"y\"}");
  CHECK(format_labels({{"path", "a\"b\\c\nd"}}) == "{path=\"a\\\"b\\\\c\\nd\"}");
  Registry registry;
  registry.counter("smg_odd_total", "Odd", {{"worker", "http://x\n# TYPE evil counter"}}).inc();
  std::string text = registry.render();
  CHECK(has_line(text, "smg_odd_total{worker=\"http://x\\n# TYPE evil counter\"} 1"));
  CHECK(text.find("\n# TYPE evil") == std::string::npos);
}

TEST_CASE("metrics: collectors append at render time and updates are thread-safe", "[metrics]") {
  Registry registry;
  int value = 1;
  registry.add_collector([&value](std::string& out) {
    out += "smg_external " + std::to_string(value) + "\n";
  });
  CHECK(has_line(registry.render(), "smg_external 1"));
  value = 2;
  CHECK(has_line(registry.render(), "smg_external 2"));

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < 1000; ++i) {
        registry.counter("smg_concurrent_total", "C", {{"k", "v"}}).inc();
        registry.histogram("smg_concurrent_seconds", "H", {}, {1}).observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(registry.counter("smg_concurrent_total", "C", {{"k", "v"}}).value() == 4000);
  CHECK(registry.histogram("smg_concurrent_seconds", "H", {}, {1}).count() == 4000);
}
