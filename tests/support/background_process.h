// A child process that runs beside a test (a server, a worker) while the test talks to it.
// stdout and stderr are drained continuously by a reader thread, so the child never blocks on a
// full pipe; tests wait for a stdout line (e.g. the port a server printed) with a deadline.
// The destructor stops the child: SIGTERM, then SIGKILL after 5 s, and reaps it.
// Thread-safety: one owning thread; out()/err() may be read while the child runs.
//
//   smg::test::BackgroundProcess worker({SMGCTL_PATH, "dev-worker", "--port", "0"});
//   auto line = worker.wait_for_line("listening on http://", std::chrono::seconds(10));
//   REQUIRE(line);                       // nullopt: the deadline passed or the child exited
//   int port = smg::test::trailing_port(*line);
//   CHECK(worker.stop() == 0);           // SIGTERM and the exit code (-1: killed by a signal)
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace smg::test {

class BackgroundProcess {
 public:
  // Starts argv[0] (searched in PATH) with the test's environment plus `extra_env`; stdin is
  // /dev/null. Throws std::runtime_error when the process cannot be started.
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& extra_env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // The first complete stdout line (without "\n") containing `needle`, searching everything
  // printed so far and then waiting for more; nullopt once `deadline` passes or stdout closes.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds deadline);

  // Sends `signal` (unless the child already exited), waits up to `deadline`, then SIGKILLs.
  // Returns the exit code, or -1 if a signal ended the child. Idempotent.
  int stop(int signal = 15 /* SIGTERM */,
           std::chrono::milliseconds deadline = std::chrono::seconds(5));

  bool running();
  // Waits until the child's stdout and stderr are both closed and read to the end (e.g. after
  // stop(), so out()/err() hold everything it wrote); false if `deadline` passes first.
  bool wait_for_output_closed(std::chrono::milliseconds deadline = std::chrono::seconds(5));
  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;

 private:
  void read_output(int out_fd, int err_fd);
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable output_changed_;
  std::string out_;
  std::string err_;
  bool out_closed_ = false;
  bool all_closed_ = false;
  std::thread reader_;
};

// The number at the end of a line such as "listening on http://127.0.0.1:41234"; -1 if none.
int trailing_port(const std::string& line);

}  // namespace smg::test
