// A real local worker (cpp-httplib) probed through the real libcurl client: the worker goes
// ready, then not_ready when its server stops, then ready again when it restarts on the same port.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <thread>

#include "common/http/http_client.h"
#include "server/workers/health_checker.h"

using namespace smg::workers;
using namespace std::chrono_literals;

namespace {

// A fake inference worker: /health and /v1/models, on 127.0.0.1.
class LocalWorker {
 public:
  // port 0 picks a free port; otherwise binds exactly `port` (retrying while the OS frees it).
  explicit LocalWorker(int port = 0) {
    server_.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("OK", "text/plain");
    });
    server_.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"object":"list","data":[{"id":"tiny-model"}]})", "application/json");
    });
    auto deadline = std::chrono::steady_clock::now() + 10s;
    if (port == 0) {
      port_ = server_.bind_to_any_port("127.0.0.1");
    } else {
      while (!server_.bind_to_port("127.0.0.1", port) &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
      }
      port_ = port;
    }
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    REQUIRE(server_.is_running());
  }
  ~LocalWorker() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// Runs passes until the worker reaches `want` or the deadline passes.
bool wait_for_status(HealthChecker& checker, Worker& worker, WorkerStatus want) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    checker.check_now();
    if (worker.status() == want) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("workers: health checks a real worker through up, down and up again",
          "[workers][health][integration]") {
  auto client = smg::http::make_curl_client();
  WorkerRegistry registry({}, smg::SystemClock::instance());
  HealthCheckOptions options;
  options.timeout = 2s;
  HealthChecker checker(registry, *client, options);

  auto up = std::make_unique<LocalWorker>();
  const int port = up->port();
  WorkerSpec spec;
  spec.url = "http://127.0.0.1:" + std::to_string(port);
  auto worker = *registry.add(std::move(spec));

  REQUIRE(wait_for_status(checker, *worker, WorkerStatus::kReady));
  CHECK(worker->model_ids() == std::vector<std::string>{"tiny-model"});

  up.reset();
  REQUIRE(wait_for_status(checker, *worker, WorkerStatus::kNotReady));

  up = std::make_unique<LocalWorker>(port);
  REQUIRE(wait_for_status(checker, *worker, WorkerStatus::kReady));
  CHECK(worker->is_healthy());
}
