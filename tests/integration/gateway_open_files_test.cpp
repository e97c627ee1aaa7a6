// Out of descriptors: a real `smgctl serve` under `prlimit --nofile=64:64` (soft and hard, so its
// start-up raise of the soft limit to the hard one changes nothing) gets more connections than it
// can hold. accept() then fails with EMFILE: the gateway pauses accepting with a back-off instead
// of spinning, counts it in smg_accept_errors_total, keeps answering a keep-alive connection it
// already had, and accepts again once connections close.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/eventually.h"
#include "tests/support/gateway_fixture.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/raw_http.h"

using namespace std::chrono_literals;

namespace {

constexpr int kOpenFilesLimit = 64;

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  std::error_code error;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    ++count;
  }
  return count;
}

// utime + stime of the process, in clock ticks (/proc/<pid>/stat fields 14 and 15).
long cpu_ticks(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

// One request on a kept-alive connection and its response (Content-Length framed), or what came
// before `limit` passed.
std::string ask(int fd, const std::string& path, std::chrono::milliseconds limit = 2000ms) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: gw\r\n\r\n";
  if (!smg::test::send_all(fd, request)) return {};
  std::string out;
  char buffer[16384];
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto at = out.find("Content-Length: ");
      std::size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
      if (out.size() >= head_end + 4 + length) return out;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// The value of smg_accept_errors_total{reason="emfile"} in a /metrics answer; -1 if absent.
long emfile_errors(const std::string& metrics) {
  const std::string series = "smg_accept_errors_total{reason=\"emfile\"} ";
  auto at = metrics.find(series);
  if (at == std::string::npos) return -1;
  return std::stol(metrics.substr(at + series.size()));
}

}  // namespace

TEST_CASE("open files: out of descriptors the gateway pauses accepting and recovers",
          "[integration][engine]") {
  smg::test::GatewayProcess gateway(
      {"--log-level", "info"}, {},
      {"prlimit", "--nofile=" + std::to_string(kOpenFilesLimit) + ":" +
                      std::to_string(kOpenFilesLimit)});
  pid_t pid = gateway.process().pid();
  // Start-up logged the limit it runs with, once; the hard limit left nothing to raise.
  REQUIRE(smg::test::eventually([&] { return gateway.err().find("open files limit") !=
                                             std::string::npos; }, 5s));
  auto limit_lines = smg::test::lines_containing(gateway.err(), "open files limit");
  REQUIRE(limit_lines.size() == 1);
  CHECK(limit_lines[0].find(" soft=\"64\"") != std::string::npos);
  CHECK(limit_lines[0].find(" hard=\"64\"") != std::string::npos);

  int probe = smg::test::connect_loopback(gateway.port());
  REQUIRE(probe >= 0);
  REQUIRE(smg::test::first_status(ask(probe, "/health")) == 200);
  std::size_t at_rest = open_descriptors(pid);
  INFO("gateway descriptors with one connection: " << at_rest);
  REQUIRE(at_rest + 8 < static_cast<std::size_t>(kOpenFilesLimit));

  // The kernel completes every handshake (the backlog is 4096); the gateway can accept only
  // what its limit leaves room for, and the rest wait in the backlog.
  std::vector<int> extra;
  for (int i = 0; i < 2 * kOpenFilesLimit; ++i) {
    int fd = smg::test::connect_loopback(gateway.port());
    REQUIRE(fd >= 0);
    extra.push_back(fd);
  }
  // Saturated: accept() failed. (An idle connection is closed after 2 s, so this is quick.)
  long errors = -1;
  REQUIRE(smg::test::eventually(
      [&] {
        errors = emfile_errors(ask(probe, "/metrics"));
        return errors > 0;
      },
      1500ms, 50ms));
  CHECK(open_descriptors(pid) + 4 >= static_cast<std::size_t>(kOpenFilesLimit));

  // No spin: over a second of being saturated the gateway uses a few ticks of CPU (a loop
  // retrying accept() at once would use all of one core) and retries a handful of times.
  long ticks_before = cpu_ticks(pid);
  std::this_thread::sleep_for(1s);  // measuring an interval, not waiting for anything
  long ticks = cpu_ticks(pid) - ticks_before;
  std::string metrics = ask(probe, "/metrics");
  long errors_after = emfile_errors(metrics);
  long ticks_per_second = sysconf(_SC_CLK_TCK);
  INFO("CPU ticks over 1 s saturated: " << ticks << " of " << ticks_per_second
       << ", EMFILE " << errors << " then " << errors_after);
  CHECK(ticks * 5 < ticks_per_second);  // under 20% of one core
  CHECK(errors_after >= errors);
  CHECK(errors_after - errors < 30);

  // The connection it had is served all along.
  CHECK(smg::test::first_status(metrics) == 200);
  CHECK(smg::test::first_status(ask(probe, "/health")) == 200);
  CHECK(smg::test::first_status(ask(probe, "/liveness")) == 200);

  // Recovers: once the extra connections close, a new connection is accepted and answered.
  for (int fd : extra) ::close(fd);
  std::string fresh;
  CHECK(smg::test::eventually(
      [&] {
        int fd = smg::test::connect_loopback(gateway.port());
        if (fd < 0) return false;
        fresh = ask(fd, "/health", 500ms);
        ::close(fd);
        return smg::test::first_status(fresh) == 200;
      },
      3s, 20ms));
  CHECK(smg::test::first_status(ask(probe, "/health")) == 200);
  CHECK(smg::test::eventually(
      [&] { return gateway.err().find("accepting again") != std::string::npos; }, 2s));
  ::close(probe);
}
