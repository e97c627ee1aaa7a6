// What every smgctl command receives: global options, the streams to use, and where to put its
// exit code. Commands never call exit(); they set `exit_code` or throw UsageError (exit 2).
#pragma once

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace smg::cli {

// A bad invocation caught after CLI11 parsing (e.g. mutually exclusive flags): one line, exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A command failure with a chosen exit code and a one-line message for stderr.
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Global flags. Where a remote command's server and credential come from is decided
// in one place, cli/remote/target.h: flags, then SMG_TOKEN, then the context file.
struct GlobalOptions {
  std::string output;   // "", "table", "json", "yaml"; empty means the command's default
  std::string server;   // --server URL
  std::string token;    // --token (discouraged: visible in ps; SMG_TOKEN or --token-stdin instead)
  std::string context;  // --context NAME
  std::string cacert;   // --cacert PEM bundle
  bool insecure = false;
  // --request-timeout: how long a remote command waits for the gateway's answer (for a stream,
  // for its first bytes; an answering stream is not cut). cli/remote/gateway_client.h.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::string color = "auto";  // --color auto|always|never (cli/output/color.h)
};

struct CliContext {
  GlobalOptions global;
  std::istream* in = &std::cin;
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  int exit_code = 0;

  bool json_output() const { return global.output == "json"; }
  bool yaml_output() const { return global.output == "yaml"; }
};

}  // namespace smg::cli
