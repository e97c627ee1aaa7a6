// Idle connections cost the gateway no thread (docs/serving-engine.md: every connection is a
// coroutine on a few I/O threads): 500 idle keep-alive connections to a real `smgctl serve` leave
// its thread count where it was, and /health still answers at once.
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/gateway_fixture.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/raw_http.h"

using namespace std::chrono_literals;

namespace {

std::size_t threads_of(pid_t pid) {
  std::size_t threads = 0;
  std::error_code error;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    ++threads;
  }
  return threads;
}

}  // namespace

TEST_CASE("idle connections: 500 idle keep-alive connections hold no gateway thread",
          "[integration][engine]") {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE(limit.rlim_cur >= 1024);
  smg::test::GatewayProcess gateway({"--log-level", "warn"});
  const std::string health = "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n";
  // Warm: the engine's threads are up.
  REQUIRE(smg::test::first_status(smg::test::raw_exchange(gateway.port(), health, 300ms).text) ==
          200);
  std::size_t before = threads_of(gateway.process().pid());
  // The gateway closes an idle connection after 2 s: everything below happens well within that.
  auto opened_at = std::chrono::steady_clock::now();
  std::vector<int> idle;
  for (int i = 0; i < 500; ++i) {
    int fd = smg::test::connect_loopback(gateway.port());
    REQUIRE(fd >= 0);
    idle.push_back(fd);
  }
  std::size_t with_idle = threads_of(gateway.process().pid());
  auto started = std::chrono::steady_clock::now();
  auto answer = smg::test::raw_exchange(gateway.port(), health, 300ms);
  auto took = std::chrono::steady_clock::now() - started;
  INFO("gateway threads before: " << before << ", with 500 idle connections: " << with_idle);
  CHECK(with_idle <= before + 4);
  CHECK(smg::test::first_status(answer.text) == 200);
  CHECK(took < 500ms);
  // The idle connections were open all along: the last one is served now.
  REQUIRE(std::chrono::steady_clock::now() - opened_at < 1500ms);
  smg::test::send_all(idle.back(), health);
  auto last = smg::test::read_until_quiet(idle.back(), 300ms);
  CHECK(smg::test::first_status(last.text) == 200);
  for (int fd : idle) ::close(fd);
}
