// The real gateway under 300 concurrent slow SSE streams, and under 300 concurrent slow non-stream
// calls: while they run, short requests (public /health, control-plane GET /workers with an admin
// key, new non-stream data-plane calls) must still be answered quickly, and afterwards every
// stream must have ended with [DONE] and every slow call have been answered.
// The streams are held by one node process (tests/peers/hold-sse-streams.mjs), so the test side
// needs no thread per stream; the short requests go from here, each on a new connection.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/background_process.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/peers.h"

using namespace std::chrono_literals;
using smg::test::BackgroundProcess;

namespace {

constexpr int kStreams = 300;
constexpr int kShortRequests = 50;
// 110 events 100 ms apart: each stream lasts ~11 s.
constexpr const char* kChunks = "110";
constexpr const char* kDelayMs = "100";
const std::string kAdminKey = "concurrency-admin-key-0123456789";
const std::string kUserKey = "concurrency-user-key-0123456789";

// Each stream costs the gateway two sockets (client and worker) and the worker one.
void raise_fd_limit() {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  rlim_t want = std::min<rlim_t>(limit.rlim_max, 8192);
  if (limit.rlim_cur < want) {
    limit.rlim_cur = want;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
  REQUIRE(limit.rlim_cur >= 2048);
}

int started_port(BackgroundProcess& process, const std::string& needle) {
  auto line = process.wait_for_line(needle, 20s);
  INFO(process.err());
  REQUIRE(line);
  return smg::test::trailing_port(*line);
}

bool wait_until_ready(int port) {
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client client("127.0.0.1", port);
    if (auto res = client.Get("/readiness"); res && res->status == 200) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// A dev worker and a gateway in front of it (an admin and a user key), ready to serve.
struct RunningGateway {
  RunningGateway()
      : worker({SMGCTL_PATH, "dev-worker", "--port", "0"}),
        gateway({SMGCTL_PATH, "serve", "--port", "0", "--log-level", "warn", "--worker-urls",
                 "http://127.0.0.1:" +
                     std::to_string(started_port(worker, "dev-worker listening on http://")),
                 "--control-plane-api-keys", "ops:Ops:admin:" + kAdminKey,
                 "app:App:user:" + kUserKey}),
        port(started_port(gateway, "smg listening on http://")) {
    REQUIRE(wait_until_ready(port));
  }
  BackgroundProcess worker;
  BackgroundProcess gateway;
  int port;
};

struct ShortResult {
  std::string what;
  int status = 0;
  std::chrono::milliseconds took{0};
};

// One short request on a fresh connection: kind 0 /health, 1 GET /workers, 2 a non-stream chat.
ShortResult short_request(int port, int kind) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  auto begin = std::chrono::steady_clock::now();
  httplib::Result res{nullptr, httplib::Error::Unknown};
  ShortResult out;
  if (kind == 0) {
    out.what = "GET /health";
    res = client.Get("/health");
  } else if (kind == 1) {
    out.what = "GET /workers";
    res = client.Get("/workers", {{"Authorization", "Bearer " + kAdminKey}});
  } else {
    out.what = "POST /v1/chat/completions";
    res = client.Post("/v1/chat/completions", {{"Authorization", "Bearer " + kUserKey}},
                      R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"hi"}]})",
                      "application/json");
  }
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - begin);
  out.status = res ? res->status : -1;
  return out;
}

}  // namespace

TEST_CASE("gateway: short requests stay fast beside 300 slow SSE streams",
          "[gateway][concurrency][integration]") {
  REQUIRE(std::filesystem::exists(smg::test::peers_dir() + "/node_modules"));
  raise_fd_limit();
  RunningGateway running;
  int port = running.port;

  BackgroundProcess streams({"node", smg::test::peers_dir() + "/hold-sse-streams.mjs",
                             "http://127.0.0.1:" + std::to_string(port) + "/v1/chat/completions",
                             std::to_string(kStreams), kUserKey, kChunks, kDelayMs});
  auto all_open = streams.wait_for_line("streams open", 20s);
  INFO("node: " << streams.out() << streams.err());
  REQUIRE(all_open);

  // Spread over ~5 s of the streams' ~11 s life.
  std::vector<ShortResult> results;
  for (int i = 0; i < kShortRequests; ++i) {
    results.push_back(short_request(port, i % 3));
    std::this_thread::sleep_for(100ms);
  }
  auto slowest = std::max_element(results.begin(), results.end(),
                                  [](const auto& a, const auto& b) { return a.took < b.took; });
  WARN("slowest short request during " << kStreams << " streams: " << slowest->what << " "
                                       << slowest->took.count() << " ms");
  for (const auto& r : results) {
    INFO(r.what << " answered " << r.status << " in " << r.took.count() << " ms");
    CHECK(r.status == 200);
    CHECK(r.took < 2s);
  }

  auto result_line = streams.wait_for_line("result ", 40s);
  REQUIRE(result_line);
  auto result = nlohmann::json::parse(result_line->substr(result_line->find('{')));
  INFO("streams: " << result.dump());
  CHECK(result["errors"].empty());
  CHECK(result["statuses"].value("200", 0) == kStreams);
  CHECK(result["done"] == kStreams);
  CHECK(result["duration_ms_min"].get<int>() >= 10000);  // they really overlapped the checks
  // node exits on its own right after printing the result.
  auto exit_deadline = std::chrono::steady_clock::now() + 5s;
  while (streams.running() && std::chrono::steady_clock::now() < exit_deadline) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(streams.stop() == 0);
}

TEST_CASE("gateway: short requests stay fast beside 300 slow non-stream calls",
          "[gateway][concurrency][integration]") {
  raise_fd_limit();
  RunningGateway running;
  int port = running.port;

  // Each call waits 4 s at the worker: a serving thread blocks on it for that long.
  std::string body = R"({"model":"smg-dev-echo","messages":[{"role":"user","content":"slow"}]})";
  std::string slow_request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer " + kUserKey + "\r\n"
                             "Content-Type: application/json\r\nx-dev-delay-ms: 4000\r\n"
                             "Connection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
  std::vector<int> slow;
  for (int i = 0; i < kStreams; ++i) {
    int fd = smg::test::connect_loopback(port);
    REQUIRE(fd >= 0);
    REQUIRE(::send(fd, slow_request.data(), slow_request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(slow_request.size()));
    slow.push_back(fd);
  }
  std::this_thread::sleep_for(300ms);
  std::vector<ShortResult> results;
  for (int i = 0; i < 15; ++i) {
    results.push_back(short_request(port, i % 3));
    std::this_thread::sleep_for(100ms);
  }
  for (const auto& r : results) {
    INFO(r.what << " answered " << r.status << " in " << r.took.count() << " ms");
    CHECK(r.status == 200);
    CHECK(r.took < 2s);
  }
  int answered = 0;
  for (int fd : slow) {
    timeval wait{20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char head[16] = {};
    if (::recv(fd, head, sizeof head - 1, MSG_WAITALL) > 0 &&
        std::string(head).rfind("HTTP/1.1 200", 0) == 0) {
      ++answered;
    }
    ::close(fd);
  }
  CHECK(answered == kStreams);
}
