// RequestRecorder: the gateway's data-plane glue to the request log. After a data-plane request
// is answered it builds the RequestRecord (caller, model, worker, statuses, timings, usage, error
// type) and hands it to the RequestLogWriter, which never blocks. A streamed response is
// recorded when its body ends: the recorder wraps the stream to time the first byte, read the
// usage from the final SSE chunk and, when content capture is on for the caller's domain, keep
// the bodies (capped, truncation flagged).
// Thread-safety: record() is called from many threads.
//
//   RequestRecorder recorder(writer, capture);
//   Response r = ...;                          // the answer, maybe streamed
//   recorder.record({request, "chat_completions", principal, info, started}, r);
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/principal/principal.h"
#include "server/http/exchange.h"
#include "server/proxy/data_plane_proxy.h"
#include "server/requestlog/request_log_writer.h"

namespace smg::server {

struct CaptureSettings {
  bool enabled = false;
  int64_t retention_ms = 30LL * 86400 * 1000;
  std::vector<std::string> domains;        // empty: every caller domain
  std::size_t max_body_bytes = 64 * 1024;  // per body; longer bodies are cut and flagged

  bool applies_to(const std::string& caller_domain) const;
};

struct RecordedRequest {
  const Request& request;
  const std::string& route;
  const Principal& principal;
  const proxy::ForwardInfo& info;
  std::chrono::steady_clock::time_point started;
  int64_t started_unix_ms = 0;
};

class RequestRecorder {
 public:
  // REQUIRES: `writer` outlives the recorder and every response it wrapped.
  RequestRecorder(requestlog::RequestLogWriter& writer, CaptureSettings capture);

  // Records `response` now, or wraps response.stream to record when the stream ends.
  void record(const RecordedRequest& recorded, Response& response);

 private:
  requestlog::RequestRecord base_record(const RecordedRequest& recorded,
                                        const Response& response) const;

  requestlog::RequestLogWriter& writer_;
  CaptureSettings capture_;
};

// The error type of an error body: `error.code` when set, else `error.type` (capped).
std::string error_type_of(const std::string& body);

}  // namespace smg::server
