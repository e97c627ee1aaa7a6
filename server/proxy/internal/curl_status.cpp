#include "server/proxy/internal/curl_status.h"

#include <string>

namespace smg::proxy::internal {

Status transfer_status(CURLcode code, const StopCause& cause) {
  if (cause.client_disconnected) {
    return Status(Code::kUnavailable, "client_disconnected", "the client went away");
  }
  if (cause.aborted) {
    return Status(Code::kUnavailable, "upstream_aborted", "the upstream request was abandoned");
  }
  if (cause.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Status(Code::kResourceExhausted, "upstream_too_large",
                  "the worker's response exceeds the size limit");
  }
  if (code == CURLE_OK) {
    return Status();
  }
  std::string detail = curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      // As nginx: a worker that cannot be reached in time is a gateway timeout too.
      return Status(Code::kDeadlineExceeded, "upstream_timeout",
                    cause.connected ? "the worker did not answer in time"
                                    : "timed out connecting to the worker");
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return unavailable("upstream_connect_failed", "could not connect to the worker: " + detail);
    default:
      return unavailable("upstream_failed", "the worker request failed: " + detail);
  }
}

}  // namespace smg::proxy::internal
