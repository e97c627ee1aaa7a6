// How a user names a worker on the command line: its id, a unique prefix of the id (as git and
// docker take short ids), or its URL. Resolved against the gateway's worker list.
//
//   auto id = match_worker(list["workers"], "3f2a");       // the one id starting with 3f2a
//   auto id = match_worker(list["workers"], "http://w1:8000");
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace smg::cli {

// True for a whole worker id (a UUID): no lookup is needed.
bool is_full_worker_id(const std::string& text);

// The id `text` names among `workers` (the "workers" array of GET /workers). NotFound
// (reason "no_such_worker") when none matches; InvalidArgument (reason "ambiguous_worker",
// naming the candidates) when a prefix matches several.
Result<std::string> match_worker(const nlohmann::json& workers, const std::string& text);

}  // namespace smg::cli
