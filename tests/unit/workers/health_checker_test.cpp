#include "server/workers/health_checker.h"

#include <catch2/catch.hpp>

#include "tests/support/eventually.h"
#include "tests/support/scripted_http_client.h"

using namespace smg::workers;
using smg::test::ScriptedHttpClient;

namespace {

struct Fixture {
  smg::FixedClock clock{0};
  WorkerRegistry registry{{}, clock};
  ScriptedHttpClient http;
  HealthCheckOptions options = [] {
    HealthCheckOptions o;
    o.failure_threshold = 3;
    o.success_threshold = 2;
    return o;
  }();
  HealthChecker checker{registry, http, options};

  std::shared_ptr<Worker> add(const std::string& url, std::vector<std::string> models = {},
                              std::string api_key = "") {
    WorkerSpec spec;
    spec.url = url;
    spec.models = std::move(models);
    spec.api_key = smg::crypto::Secret(std::move(api_key));
    return *registry.add(std::move(spec));
  }
  void passes(int n) {
    for (int i = 0; i < n; ++i) {
      checker.check_now();
    }
  }
};

}  // namespace

TEST_CASE("workers: health options default as planned", "[workers][health]") {
  HealthCheckOptions options;
  CHECK(options.interval == std::chrono::seconds(10));
  CHECK(options.timeout == std::chrono::seconds(5));
  CHECK(options.failure_threshold == 3);
  CHECK(options.success_threshold == 2);
  CHECK(options.endpoint == "/health");
}

TEST_CASE("workers: health pending → ready → not_ready → ready", "[workers][health]") {
  Fixture f;
  auto worker = f.add("http://w1", {"m1"}, "sk-w1");
  f.http.respond("http://w1/health", 200, "OK");
  f.passes(1);
  CHECK(worker->status() == WorkerStatus::kReady);  // first success, not success_threshold

  auto probe = f.http.requests().front();
  CHECK(probe.method == "GET");
  CHECK(probe.headers.at("Authorization") == "Bearer sk-w1");
  CHECK(probe.timeout == std::chrono::milliseconds(5000));

  f.http.respond("http://w1/health", 503);
  f.passes(2);
  CHECK(worker->status() == WorkerStatus::kReady);
  f.passes(1);
  CHECK(worker->status() == WorkerStatus::kNotReady);

  f.http.respond("http://w1/health", 200);
  f.passes(1);
  CHECK(worker->status() == WorkerStatus::kNotReady);
  f.passes(1);
  CHECK(worker->status() == WorkerStatus::kReady);
  CHECK(f.http.count("http://w1/v1/models") == 0);  // the spec named its models
}

TEST_CASE("workers: health marks a worker that never came up failed", "[workers][health]") {
  Fixture f;
  auto worker = f.add("http://w1");
  f.http.fail("http://w1/health", "http_timeout");
  f.passes(2);
  CHECK(worker->status() == WorkerStatus::kPending);
  f.passes(1);
  CHECK(worker->status() == WorkerStatus::kFailed);
  f.http.respond("http://w1/health", 200);
  f.passes(2);
  CHECK(worker->status() == WorkerStatus::kReady);
}

TEST_CASE("workers: health discovers models from /v1/models", "[workers][health]") {
  Fixture f;
  auto worker = f.add("http://w1");
  f.http.respond("http://w1/health", 200);
  SECTION("ids from the OpenAI list") {
    f.http.respond("http://w1/v1/models",
                   200, R"({"object":"list","data":[{"id":"llama-3"},{"id":"qwen"}]})");
    f.passes(1);
    CHECK(worker->model_ids() == std::vector<std::string>{"llama-3", "qwen"});
    f.passes(1);
    CHECK(f.http.count("http://w1/v1/models") == 1);  // learned once
  }
  SECTION("falls back to model_id when discovery fails") {
    REQUIRE(f.registry.update(worker->id(), {{"model_id", "m0"}}, UpdateMode::kMerge).ok());
    f.http.respond("http://w1/v1/models", 404, "nope");
    f.passes(1);
    CHECK(worker->status() == WorkerStatus::kReady);
    CHECK(worker->model_ids() == std::vector<std::string>{"m0"});
  }
}

TEST_CASE("workers: health skips draining workers and runs in the background",
          "[workers][health]") {
  Fixture f;
  auto kept = f.add("http://w1", {"m"});
  auto gone = f.add("http://w2", {"m"});
  f.http.respond("http://w1/health", 200);
  f.http.respond("http://w2/health", 200);
  REQUIRE(f.registry.remove(gone->id()).ok());
  f.checker.check_worker(*gone);
  CHECK(gone->status() == WorkerStatus::kDraining);

  f.checker.start();
  CHECK(smg::test::eventually([&] { return kept->status() == WorkerStatus::kReady; }));
  auto stop_started = std::chrono::steady_clock::now();
  f.checker.stop();  // interval is 10 s; stop must not wait for it
  CHECK(std::chrono::steady_clock::now() - stop_started < std::chrono::seconds(2));
  CHECK(f.http.count("http://w2/health") == 0);
}

namespace {

// Answers instantly, except for one URL that blocks until released.
class BlockingHttpClient final : public smg::http::HttpClient {
 public:
  explicit BlockingHttpClient(std::string slow_url) : slow_url_(std::move(slow_url)) {}
  smg::Result<smg::http::Response> send(const smg::http::Request& request) const override {
    if (request.url == slow_url_) {
      std::unique_lock lock(mutex_);
      released_cv_.wait(lock, [this] { return released_; });
    }
    smg::http::Response response;
    response.status = 200;
    return response;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
  }

 private:
  std::string slow_url_;
  mutable std::mutex mutex_;
  mutable std::condition_variable released_cv_;
  bool released_ = false;
};

}  // namespace

TEST_CASE("workers: health probes in parallel so a hung worker delays no one",
          "[workers][health]") {
  smg::FixedClock clock(0);
  WorkerRegistry registry({}, clock);
  BlockingHttpClient http("http://slow/health");
  HealthCheckOptions options;
  options.max_parallel = 2;
  HealthChecker checker(registry, http, options);
  WorkerSpec slow_spec;
  slow_spec.url = "http://slow";
  slow_spec.models = {"m"};
  auto slow = *registry.add(std::move(slow_spec));
  WorkerSpec fast_spec;
  fast_spec.url = "http://fast";
  fast_spec.models = {"m"};
  auto fast = *registry.add(std::move(fast_spec));

  std::thread pass([&] { checker.check_now(); });
  CHECK(smg::test::eventually([&] { return fast->status() == WorkerStatus::kReady; },
                              std::chrono::seconds(10), std::chrono::milliseconds(2)));
  CHECK(slow->status() == WorkerStatus::kPending);
  http.release();
  pass.join();
  CHECK(slow->status() == WorkerStatus::kReady);
}

TEST_CASE("workers: last_error says why the last health check failed and clears on success",
          "[workers][health]") {
  Fixture f;
  auto worker = f.add("http://w1", {"m1"}, "sk-secret-w1");
  CHECK(worker->to_json()["last_error"].is_null());
  f.http.fail("http://w1/health", "http_timeout");
  f.passes(1);
  CHECK(worker->last_error() == "no answer within 5s");
  f.http.respond("http://w1/health", 503);
  f.passes(1);
  CHECK(worker->to_json()["last_error"] == "HTTP 503 from /health");
  CHECK(worker->to_json().dump().find("sk-secret-w1") == std::string::npos);
  f.http.respond("http://w1/health", 200);
  f.passes(1);
  CHECK(worker->to_json()["last_error"].is_null());
}
