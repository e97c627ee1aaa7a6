// smgctl's exit codes and the one place a Status becomes one.
#pragma once

#include <string>

#include "common/status.h"

namespace smg::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnauthenticated = 3;
constexpr int kExitForbidden = 4;
constexpr int kExitInterrupted = 130;

int exit_code_for(const Status& status);

// A listener that could not bind (serve, dev-worker): exit 1 and the OS's reason, with what to
// try ("address already in use (another smgctl serve? try --port 0)").
std::string listen_failure_message(const Status& status);

}  // namespace smg::cli
