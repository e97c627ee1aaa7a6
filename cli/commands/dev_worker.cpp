// smgctl dev-worker: the built-in OpenAI-compatible test worker in the foreground.
//   smgctl dev-worker --port 0 --model m1 --model m2 --api-key-env WORKER_KEY
// prints `dev-worker listening on http://HOST:PORT` once bound; SIGINT/SIGTERM stop it (exit 0).
#include "server/devworker/dev_worker.h"

#include <signal.h>

#include <cstdlib>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "common/os/open_files_limit.h"

namespace smg::cli {
namespace {

struct DevWorkerFlags {
  devworker::DevWorkerOptions options;
  std::string api_key_env;
};

void apply_api_key_env(DevWorkerFlags& flags) {
  if (flags.api_key_env.empty()) {
    return;
  }
  const char* key = std::getenv(flags.api_key_env.c_str());
  if (key == nullptr || *key == '\0') {
    throw UsageError("--api-key-env: environment variable " + flags.api_key_env + " is not set");
  }
  flags.options.api_key = key;
}

// Blocks SIGINT and SIGTERM in this thread and, because they inherit the mask, in every thread
// the worker starts afterwards; sigwait() then receives them synchronously.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void run_dev_worker(DevWorkerFlags& flags, CliContext& context) {
  apply_api_key_env(flags);
  // Before any thread: a connection is a descriptor. Logged once listening: a bad flag or a
  // busy port stays a one-line error.
  Result<os::OpenFilesLimit> open_files = os::raise_open_files_limit();
  sigset_t signals = block_stop_signals();
  devworker::DevWorker worker(flags.options);
  auto port = worker.start();
  if (!port.ok()) {
    throw CommandError(kExitFailure, listen_failure_message(port.status()));
  }
  os::log_open_files_limit(open_files);
  *context.out << "dev-worker listening on http://" << flags.options.host << ":" << *port
               << std::endl;  // flushed: tests read the port from this line
  int received = 0;
  sigwait(&signals, &received);
  worker.stop();
  context.exit_code = kExitOk;
}

}  // namespace

void register_dev_worker_command(CLI::App& app, CliContext& context) {
  auto flags = std::make_shared<DevWorkerFlags>();
  flags->options.port = 8000;
  auto* cmd = app.add_subcommand("dev-worker", "Run an OpenAI-compatible test worker (echo model)");
  cmd->add_option("--port", flags->options.port, "Port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--host", flags->options.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--model", flags->options.models, "Model id to serve (repeatable)")
      ->capture_default_str();
  cmd->add_option("--api-key-env", flags->api_key_env,
                  "Environment variable holding the API key callers must present");
  cmd->add_option("--chunk-delay-ms", flags->options.stream_chunk_delay_ms,
                  "Delay between streamed events")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([flags, &context] { run_dev_worker(*flags, context); });
}

}  // namespace smg::cli
