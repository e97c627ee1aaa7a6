// A streamed Response of a prepared list of Server-Sent Events, one `data: <payload>\n\n` event
// at a time with a delay between them, then `data: [DONE]\n\n`. Counts the stream in DevStats:
// completed when [DONE] was written, aborted otherwise (the client left, the worker stopped, or
// the stream never ran). A client that goes away is noticed within ~50 ms even during a long
// delay (the sink is polled while waiting), and so is a worker that is stopping.
// Thread-safety: the stream runs on a listener pool thread; `stats` and `stopping` must outlive
// the response.
//
//   SseStream stream{std::move(events), std::chrono::milliseconds(20)};
//   return sse_response(std::move(stream), stats, stats.begin_request(), stopping);
#pragma once

#include <atomic>
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
                              const std::atomic<bool>& stopping);

// Sleeps `delay`, in slices, while the client is still there and the worker is not stopping.
// Returns false as soon as either is no longer true.
bool wait_while_connected(const server::StreamSink& sink, std::chrono::milliseconds delay,
                          const std::atomic<bool>& stopping);

}  // namespace smg::devworker
