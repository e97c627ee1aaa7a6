// Shared set-up of the discovery integration tests: the stand-in Kubernetes API over HTTPS (its
// own self-signed certificate as the CA, a bearer token in a file a kubeconfig points at), the
// real DiscoveryService built from that kubeconfig, a real WorkerRegistry and metrics, and real
// `smgctl dev-worker` processes as the pods' endpoints.
#pragma once

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "server/discovery/desired_workers.h"
#include "server/discovery/discovery_service.h"
#include "server/metrics/metrics.h"
#include "server/workers/worker_registry.h"
#include "tests/support/background_process.h"
#include "tests/support/eventually.h"
#include "tests/support/fake_kube_api.h"
#include "tests/support/peers.h"
#include "tests/support/self_signed_cert.h"

namespace smg::test {

using namespace std::chrono_literals;

// `smgctl dev-worker` on a free port as a pod's endpoint; its URL is http://127.0.0.1:<port>.
// (Not gateway_fixture.h's DevWorkerProcess: one name for two types broke the one-definition
// rule, and which constructor ran depended on inlining.)
struct PodWorkerProcess {
  std::unique_ptr<BackgroundProcess> process;
  int port = -1;

  PodWorkerProcess() {
    process = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{SMGCTL_PATH, "dev-worker", "--port", "0"});
    auto line = process->wait_for_line("listening on http://", 10s);
    REQUIRE(line);
    port = trailing_port(*line);
    REQUIRE(port > 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// POST /v1/chat/completions straight to a worker URL (no gateway): the status, -1 if no answer.
inline int chat_status(const std::string& worker_url, int delay_ms = 0) {
  httplib::Client client(worker_url);
  client.set_read_timeout(30, 0);
  httplib::Headers headers;
  if (delay_ms > 0) headers.emplace("x-dev-delay-ms", std::to_string(delay_ms));
  auto res = client.Post("/v1/chat/completions", headers,
                         R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"hi"}]})",
                         "application/json");
  return res ? res->status : -1;
}

class DiscoveryHarness {
 public:
  explicit DiscoveryHarness(const std::string& token = "token-0")
      : registry_({}, SystemClock::instance()) {
    write_self_signed_cert(dir_.file("api.crt"), dir_.file("api.key"));
    write_file(dir_.file("token"), token + "\n");
    FakeKubeApi::Options options;
    options.token = token;
    options.cert_path = dir_.file("api.crt");
    options.key_path = dir_.file("api.key");
    api_ = std::make_unique<FakeKubeApi>(options);
    api_->start();
    write_kubeconfig();
  }
  ~DiscoveryHarness() {
    if (service_) service_->stop();
    api_->stop();
  }

  FakeKubeApi& api() { return *api_; }
  workers::WorkerRegistry& registry() { return registry_; }
  metrics::Registry& metrics() { return metrics_; }
  discovery::DiscoveryService& service() { return *service_; }
  const TempDir& dir() const { return dir_; }
  void rotate_token_file(const std::string& token) { write_file(dir_.file("token"), token + "\n"); }

  discovery::DiscoveryConfig config() const {
    discovery::DiscoveryConfig config;
    config.enabled = true;
    config.selector = discovery::parse_selector({"app=sglang-worker"});
    config.namespace_name = "llm";
    config.port = 1;  // every test pod names its port in smg.ai/worker-ports
    config.kubeconfig = dir_.file("kubeconfig");
    config.backoff_initial = 20ms;
    config.backoff_max = 200ms;
    config.resync_interval = 3600s;
    config.list_page_size = 100;
    return config;
  }

  void start_discovery() { start_discovery(config()); }
  void start_discovery(const discovery::DiscoveryConfig& config) {
    auto created = discovery::DiscoveryService::create(config, registry_, metrics_);
    REQUIRE(created.ok());
    service_ = std::move(*created);
    service_->start();
  }

  // The discovered worker at `url`, or nullptr.
  std::shared_ptr<workers::Worker> worker_at(const std::string& url) const {
    auto snapshot = registry_.snapshot();
    for (const auto& worker : *snapshot) {
      if (worker->url() == url) return worker;
    }
    return nullptr;
  }
  std::size_t discovered() const {
    std::size_t count = 0;
    auto snapshot = registry_.snapshot();
    for (const auto& worker : *snapshot) {
      count += discovery::discovered_pod_uid(*worker).empty() ? 0 : 1;
    }
    return count;
  }
  bool has(const std::string& url) const { return worker_at(url) != nullptr; }

 private:
  void write_kubeconfig() { write_file(dir_.file("kubeconfig"), stand_in_kubeconfig(api_->url())); }

  TempDir dir_;
  std::unique_ptr<FakeKubeApi> api_;
  workers::WorkerRegistry registry_;
  metrics::Registry metrics_;
  std::unique_ptr<discovery::DiscoveryService> service_;
};

}  // namespace smg::test
