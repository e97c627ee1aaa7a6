// How a finished (or abandoned) libcurl transfer becomes the Status UpstreamClient returns.
// Thread-safety: pure functions.
//
//   Status s = transfer_status(CURLE_COULDNT_CONNECT, {});   // reason "upstream_connect_failed"
#pragma once

#include <curl/curl.h>

#include "common/status.h"

namespace smg::proxy::internal {

// Why a transfer stopped, beyond what the CURLcode says.
struct StopCause {
  bool too_large = false;            // the body outgrew its cap
  bool client_disconnected = false;  // the relay sink failed or its client left
  bool aborted = false;              // UpstreamRequest::abort_if said so
  bool connected = true;             // a connection to the worker was established
};

// OK for CURLE_OK with no stop cause; otherwise "upstream_connect_failed", "upstream_timeout",
// "upstream_too_large", "client_disconnected", "upstream_aborted" or "upstream_failed".
Status transfer_status(CURLcode code, const StopCause& cause);

}  // namespace smg::proxy::internal
