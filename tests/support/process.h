// Runs a child process with stdin fed from a string and stdout/stderr captured, with a deadline.
// For integration tests that drive smgctl and the node peers.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace smg::test {

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or the deadline
  bool timed_out = false;
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::map<std::string, std::string>& extra_env = {},
                          std::chrono::seconds deadline = std::chrono::seconds(60));

// smgctl built beside the tests.
ProcessResult run_smgctl(const std::vector<std::string>& args, const std::string& input = "",
                         const std::map<std::string, std::string>& extra_env = {});

}  // namespace smg::test
