#include "common/os/open_files_limit.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "common/log/logger.h"

using smg::os::kUnlimited;

namespace {

// Lowers this process's soft RLIMIT_NOFILE for the test and puts the original back afterwards.
class LoweredSoftLimit {
 public:
  explicit LoweredSoftLimit(rlim_t soft) {
    REQUIRE(getrlimit(RLIMIT_NOFILE, &original_) == 0);
    rlimit lowered = original_;
    lowered.rlim_cur = soft;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  }
  ~LoweredSoftLimit() { setrlimit(RLIMIT_NOFILE, &original_); }
  rlim_t hard() const { return original_.rlim_max; }

 private:
  rlimit original_{};
};

rlimit current_limit() {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  return limit;
}

}  // namespace

TEST_CASE("open files limit: the soft limit is raised to the hard one", "[os][rlimit]") {
  rlimit before = current_limit();
  REQUIRE(before.rlim_max != RLIM_INFINITY);  // the test process's own limit is finite
  REQUIRE(before.rlim_max > 300);
  LoweredSoftLimit lowered(256);
  auto raised = smg::os::raise_open_files_limit();
  INFO(raised.status().message());
  REQUIRE(raised.ok());
  CHECK(raised->soft_before == 256);
  CHECK(raised->hard_before == lowered.hard());
  CHECK(raised->soft_after == lowered.hard());
  CHECK(raised->hard_after == lowered.hard());
  CHECK(current_limit().rlim_cur == lowered.hard());
  SECTION("already at the hard limit: nothing changes") {
    auto again = smg::os::raise_open_files_limit();
    REQUIRE(again.ok());
    CHECK(again->soft_before == lowered.hard());
    CHECK(again->soft_after == lowered.hard());
  }
}

TEST_CASE("open files limit: an unlimited hard limit asks for fs.nr_open", "[os][rlimit]") {
  CHECK(smg::os::wanted_soft_limit(kUnlimited, 1048576) == 1048576);
  CHECK(smg::os::wanted_soft_limit(524288, 1048576) == 524288);
  CHECK(smg::os::limit_text(kUnlimited) == "unlimited");
  CHECK(smg::os::limit_text(1024) == "1024");
}

TEST_CASE("open files limit: raising it logs one info line with the limits before and after",
          "[os][rlimit][log]") {
  LoweredSoftLimit lowered(200);
  int fds[2] = {-1, -1};
  REQUIRE(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
  smg::log::Options options;
  options.json = true;
  options.fd = fds[1];
  smg::log::configure(options);
  smg::os::raise_and_log_open_files_limit();
  smg::log::configure(smg::log::Options{});
  std::string data;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) data.append(buffer, n);
  close(fds[0]);
  close(fds[1]);
  REQUIRE(!data.empty());
  REQUIRE(data.find('\n') == data.size() - 1);  // one line
  auto line = nlohmann::json::parse(data);
  CHECK(line["level"] == "info");
  CHECK(line["message"] == "open files limit");
  CHECK(line["soft_before"] == "200");
  CHECK(line["hard_before"] == std::to_string(lowered.hard()));
  CHECK(line["soft"] == std::to_string(lowered.hard()));
  CHECK(line["hard"] == std::to_string(lowered.hard()));
}
