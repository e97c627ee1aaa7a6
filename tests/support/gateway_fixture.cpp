#include "tests/support/gateway_fixture.h"

#include <algorithm>

#include "tests/support/eventually.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

namespace smg::test {
namespace {

using nlohmann::json;

httplib::Client local_client(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(30));
  return client;
}

}  // namespace

bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  return eventually(done, deadline, std::chrono::milliseconds(20));
}

std::string chat_body(const std::string& model, const std::string& message, bool stream) {
  return json{{"model", model},
              {"stream", stream},
              {"messages", json::array({{{"role", "user"}, {"content", message}}})}}
      .dump();
}

httplib::Headers bearer(const std::string& token, httplib::Headers extra) {
  extra.emplace("Authorization", "Bearer " + token);
  return extra;
}

json json_body(const httplib::Result& result) {
  if (!result) {
    return nullptr;
  }
  auto body = json::parse(result->body, nullptr, false);
  return body.is_discarded() ? json(nullptr) : body;
}

DevWorkerProcess::DevWorkerProcess(std::vector<std::string> models,
                                   std::vector<std::string> extra_args,
                                   std::map<std::string, std::string> env)
    : models_(std::move(models)), extra_args_(std::move(extra_args)), env_(std::move(env)) {
  REQUIRE(launch(0));
}

bool DevWorkerProcess::launch(int port) {
  std::vector<std::string> argv = {SMGCTL_PATH, "dev-worker", "--port", std::to_string(port)};
  for (const auto& model : models_) {
    argv.insert(argv.end(), {"--model", model});
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<BackgroundProcess>(argv, env_);
  auto line = process_->wait_for_line("dev-worker listening on http://", kProcessStartDeadline);
  if (!line) {
    return false;
  }
  port_ = trailing_port(*line);
  return port_ > 0;
}

httplib::Client DevWorkerProcess::client() const { return local_client(port_); }

json DevWorkerProcess::stats() const {
  // The worker's key, when it was started with one, opens /dev/stats.
  httplib::Headers headers;
  for (std::size_t i = 0; i + 1 < extra_args_.size(); ++i) {
    if (extra_args_[i] != "--api-key-env") continue;
    auto key = env_.find(extra_args_[i + 1]);
    if (key != env_.end()) headers.emplace("Authorization", "Bearer " + key->second);
  }
  auto res = client().Get("/dev/stats", headers);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

void DevWorkerProcess::kill() { process_->stop(SIGKILL); }

void DevWorkerProcess::restart() {
  int port = port_;
  process_->stop();
  // A busy port makes the worker exit at once with one line; try again until the OS lets go.
  bool started = poll_until([&] { return launch(port); }, std::chrono::seconds(15));
  INFO("dev-worker stderr: " << process_->err());
  REQUIRE(started);
  REQUIRE(port_ == port);
}

GatewayProcess::GatewayProcess(std::vector<std::string> args,
                               std::map<std::string, std::string> env,
                               std::vector<std::string> launcher) {
  std::vector<std::string> argv = std::move(launcher);
  argv.insert(argv.end(), {SMGCTL_PATH, "serve", "--port", "0"});
  argv.insert(argv.end(), args.begin(), args.end());
  if (std::find(args.begin(), args.end(), "--data-dir") == args.end()) {
    data_dir_ = std::make_unique<TempDir>();
    argv.insert(argv.end(), {"--data-dir", data_dir_->file("data")});
  }
  process_ = std::make_unique<BackgroundProcess>(argv, env);
  auto line = process_->wait_for_line("smg listening on http://", kProcessStartDeadline);
  INFO("smgctl serve stderr: " << process_->err());
  REQUIRE(line);
  port_ = trailing_port(*line);
  REQUIRE(port_ > 0);
}

httplib::Client GatewayProcess::client() const { return local_client(port_); }

int GatewayProcess::stop(int signal) {
  int code = process_->stop(signal);
  CHECK(process_->wait_for_output_closed());
  return code;
}

GatewayFixtureOptions fixture_options(int workers, std::vector<std::string> gateway_args,
                                      std::vector<std::string> models) {
  GatewayFixtureOptions options;
  options.workers = workers;
  options.gateway_args = std::move(gateway_args);
  options.models = std::move(models);
  return options;
}

GatewayFixture::GatewayFixture(GatewayFixtureOptions options) {
  std::vector<std::string> args = options.gateway_args;
  for (int i = 0; i < options.workers; ++i) {
    workers_.push_back(std::make_unique<DevWorkerProcess>(options.models, options.worker_args,
                                                          options.worker_env));
  }
  if (options.workers_on_command_line && !workers_.empty()) {
    args.push_back("--worker-urls");
    for (const auto& worker : workers_) {
      args.push_back(worker->url());
    }
  }
  gateway_ = std::make_unique<GatewayProcess>(args, options.gateway_env);
}

bool GatewayFixture::wait_until_healthy(int healthy, std::chrono::milliseconds deadline) {
  auto client = gateway_->client();
  return poll_until(
      [&] {
        auto body = json_body(client.Get("/readiness"));
        return body.is_object() && body.value("healthy_workers", -1) == healthy;
      },
      deadline);
}

std::vector<std::string> lines_containing(const std::string& text, const std::string& needle) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) {
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace smg::test
