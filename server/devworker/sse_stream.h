// A streamed Response of a prepared list of Server-Sent Events, one `data: <payload>\n\n` event
// at a time with a delay between them, then `data: [DONE]\n\n`. Counts the stream in DevStats:
// completed when [DONE] was written, aborted otherwise (the client left, the worker stopped, or
// the stream never ran). The events are a BodySource paced by timers on the worker's I/O
// threads: a waiting stream holds no thread, so one dev worker holds thousands of streams. A
// client that goes away cancels the wait at once; a worker that is stopping is noticed within
// 200 ms.
// Thread-safety: `stats`, `stopping` and `io` must outlive the response.
//
//   SseStream stream{std::move(events), std::chrono::milliseconds(20)};
//   return sse_response(std::move(stream), stats, stats.begin_request(), stopping, io);
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "server/devworker/dev_stats.h"
#include "server/http/exchange.h"

namespace smg::devworker {

struct SseStream {
  std::vector<std::string> events;     // payloads, without "data: " and the blank line
  std::chrono::milliseconds delay{0};  // before every event but the first
};

// `in_flight` is held until the stream ends (see DevStats::begin_request).
server::Response sse_response(SseStream stream, DevStats& stats, std::shared_ptr<void> in_flight,
                              const std::atomic<bool>& stopping, boost::asio::io_context& io);

}  // namespace smg::devworker
