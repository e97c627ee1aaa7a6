// Live worker ids for completion after `workers get|remove|update`: GET /workers on the gateway
// that resolve_target() picks (flags, SMG_TOKEN, context), with a short timeout because a
// person is waiting on TAB.
//
//   DynamicSources sources{.worker_ids = [&context] { return fetch_worker_ids(context); }};
#pragma once

#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace smg::cli::completion {

// Empty on any failure (no server known, unreachable, 401/403, not JSON): completion offers
// nothing rather than printing an error into the line being edited.
std::vector<std::string> fetch_worker_ids(const CliContext& context);

// The "id" of each entry in a GET /workers body ({"workers": [{"id": ...}, ...]}).
std::vector<std::string> worker_ids_from_body(const std::string& body);

}  // namespace smg::cli::completion
