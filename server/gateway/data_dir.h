// The gateway's --data-dir (SQLite stores: request log, admin sessions): created with its parents
// when missing and restricted to 0700. `field` names the config field that needs it, for the
// error message, e.g. "server.request_log".
#pragma once

#include <string>

#include "common/status.h"

namespace smg::server {

Status make_data_dir(const std::string& dir, const std::string& field);

}  // namespace smg::server
