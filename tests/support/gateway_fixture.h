// Real processes for gateway integration tests: `smgctl dev-worker` instances and one
// `smgctl serve` in front of them, all on 127.0.0.1 with ports picked by the OS (--port 0).
// Every wait is a poll with a deadline; nothing sleeps to synchronise.
// Thread-safety: one owning thread; stats()/client() may be used from helper threads.
//
//   smg::test::GatewayFixture fx(smg::test::fixture_options(2, {"--policy", "round_robin"}, {"m1"}));
//   REQUIRE(fx.wait_until_healthy(2));
//   auto client = fx.gateway().client();
//   auto res = client.Post("/v1/chat/completions", smg::test::chat_body("m1", "hi"),
//                          "application/json");
//   CHECK(fx.worker(0).stats()["requests"] == 1);
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/background_process.h"
#include "tests/support/peers.h"

namespace smg::test {

constexpr std::chrono::seconds kProcessStartDeadline{15};

// Calls `done` every few milliseconds until it returns true or `deadline` passes.
bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds deadline);

// A chat-completions body with one user message.
std::string chat_body(const std::string& model, const std::string& message, bool stream = false);

// `Authorization: Bearer <token>` (plus any extra headers).
httplib::Headers bearer(const std::string& token, httplib::Headers extra = {});

// The JSON body of a response, or null when there is no response or it is not JSON.
nlohmann::json json_body(const httplib::Result& result);

// `smgctl dev-worker --port P --model M... [args]`; P = 0 picks a free port.
class DevWorkerProcess {
 public:
  DevWorkerProcess(std::vector<std::string> models, std::vector<std::string> extra_args = {},
                   std::map<std::string, std::string> env = {});

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client client() const;
  // GET /dev/stats (REQUIREs an answer).
  nlohmann::json stats() const;
  // SIGKILL: the worker vanishes without closing anything gracefully.
  void kill();
  // Starts the worker again on the same port, retrying while the OS still holds it.
  void restart();
  BackgroundProcess& process() { return *process_; }

 private:
  bool launch(int port);

  std::vector<std::string> models_;
  std::vector<std::string> extra_args_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

// `smgctl serve --port 0 args...`; waits for `smg listening on http://...`. Without a
// --data-dir in args, the gateway gets a temporary one (its request log lives there).
// data_dir() is that directory (empty when the test chose its own). `launcher` comes before
// smgctl on the command line, e.g. {"prlimit", "--nofile=64:64"} (it must exec smgctl, so that
// process().pid() is the gateway's).
class GatewayProcess {
 public:
  explicit GatewayProcess(std::vector<std::string> args,
                          std::map<std::string, std::string> env = {},
                          std::vector<std::string> launcher = {});

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client client() const;
  std::string data_dir() const { return data_dir_ ? data_dir_->path() : std::string(); }
  std::string out() const { return process_->out(); }
  std::string err() const { return process_->err(); }
  // SIGTERM; returns the exit code once out() and err() hold everything the gateway wrote.
  int stop(int signal = 15 /* SIGTERM */);
  BackgroundProcess& process() { return *process_; }

 private:
  std::unique_ptr<TempDir> data_dir_;  // --data-dir (request log) unless the test gave one
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

// Set fields one by one (designated initializers that skip members trip
// -Wmissing-field-initializers):
//   GatewayFixtureOptions options = fixture_options(2, {"--policy", "round_robin"}, {"m1"});
struct GatewayFixtureOptions {
  int workers = 1;
  std::vector<std::string> models = {"m1"};  // every worker serves these
  std::vector<std::string> worker_args;      // e.g. {"--api-key-env", "VAR"}
  std::map<std::string, std::string> worker_env;
  bool workers_on_command_line = true;  // pass their URLs as --worker-urls
  std::vector<std::string> gateway_args;
  std::map<std::string, std::string> gateway_env;
};

GatewayFixtureOptions fixture_options(int workers, std::vector<std::string> gateway_args,
                                      std::vector<std::string> models);

class GatewayFixture {
 public:
  explicit GatewayFixture(GatewayFixtureOptions options);

  GatewayProcess& gateway() { return *gateway_; }
  DevWorkerProcess& worker(std::size_t i) { return *workers_.at(i); }
  std::size_t worker_count() const { return workers_.size(); }
  // Polls the public GET /readiness until it reports `healthy` healthy workers.
  bool wait_until_healthy(int healthy, std::chrono::milliseconds deadline = std::chrono::seconds(15));

 private:
  std::vector<std::unique_ptr<DevWorkerProcess>> workers_;
  std::unique_ptr<GatewayProcess> gateway_;
};

// Lines of `text` containing `needle`.
std::vector<std::string> lines_containing(const std::string& text, const std::string& needle);

}  // namespace smg::test
