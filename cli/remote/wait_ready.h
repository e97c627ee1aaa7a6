// Waiting for a newly added worker to pass its health checks (`smgctl workers add --wait`):
// polls GET /workers/{id} until its status is `ready` or the deadline passes. Progress goes to
// stderr only when stderr is a terminal, so scripts and logs stay clean.
//
//   auto worker = wait_until_ready(client, id, std::chrono::seconds(60), context);
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_context.h"
#include "cli/remote/gateway_client.h"

namespace smg::cli {

// The worker once ready. DeadlineExceeded (exit 1) naming the last status on timeout; remote
// failures as GatewayClient::call.
Result<nlohmann::json> wait_until_ready(const GatewayClient& client, const std::string& worker_id,
                                        std::chrono::milliseconds timeout, CliContext& context);

}  // namespace smg::cli
