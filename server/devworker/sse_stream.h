// Sends a prepared list of Server-Sent Events on an httplib response, one `data: <payload>\n\n`
// event at a time with a delay between them, then `data: [DONE]\n\n`. Counts the stream in
// DevStats: completed when [DONE] was written, aborted otherwise. A client that goes away is
// noticed within ~50 ms even during a long delay (the sink is polled while waiting), and so is a
// worker that is stopping.
// Thread-safety: the stream runs on httplib's connection thread; `stats` and `stopping` must
// outlive the response.
//
//   SseStream stream{std::move(events), std::chrono::milliseconds(20)};
//   send_sse(res, std::move(stream), stats, stats.begin_request(), stopping);
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "server/devworker/dev_stats.h"

namespace smg::devworker {

struct SseStream {
  std::vector<std::string> events;     // payloads, without "data: " and the blank line
  std::chrono::milliseconds delay{0};  // before every event but the first
};

// `in_flight` is held until the stream ends (see DevStats::begin_request).
void send_sse(httplib::Response& res, SseStream stream, DevStats& stats,
              std::shared_ptr<void> in_flight, const std::atomic<bool>& stopping);

// Sleeps `delay`, in slices, while the client is still there and the worker is not stopping.
// Returns false as soon as either is no longer true.
bool wait_while_connected(httplib::DataSink& sink, std::chrono::milliseconds delay,
                          const std::atomic<bool>& stopping);

}  // namespace smg::devworker
