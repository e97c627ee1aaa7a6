#include "server/devworker/sse_stream.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace smg::devworker {
namespace {

constexpr std::chrono::milliseconds kPollSlice{50};

struct StreamState {
  StreamState(SseStream events, DevStats& counted, std::shared_ptr<void> held)
      : stream(std::move(events)), stats(counted), in_flight(std::move(held)) {}
  // A stream the engine never ran (a HEAD request, a client gone first) was cut short too.
  ~StreamState() { finish(false); }
  void finish(bool completed) {
    if (!finished.exchange(true)) {
      stats.stream_finished(completed);
      in_flight.reset();
    }
  }

  SseStream stream;
  DevStats& stats;
  std::size_t next = 0;
  std::atomic<bool> finished{false};
  std::shared_ptr<void> in_flight;
};

// The next event, followed by [DONE] when it is the last one.
std::string frame(const StreamState& state) {
  const auto& events = state.stream.events;
  std::string text = events.empty() ? "" : "data: " + events[state.next] + "\n\n";
  if (state.next + 1 >= events.size()) {
    text += "data: [DONE]\n\n";
  }
  return text;
}

}  // namespace

bool wait_while_connected(const server::StreamSink& sink, std::chrono::milliseconds delay,
                          const std::atomic<bool>& stopping) {
  const auto until = std::chrono::steady_clock::now() + delay;
  for (;;) {
    if (stopping || !sink.client_connected()) {
      return false;
    }
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return true;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kPollSlice));
  }
}

server::Response sse_response(SseStream stream, DevStats& stats, std::shared_ptr<void> in_flight,
                              const std::atomic<bool>& stopping) {
  auto state = std::make_shared<StreamState>(std::move(stream), stats, std::move(in_flight));
  stats.stream_started();
  server::Response response;
  response.content_type = "text/event-stream";
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Accel-Buffering", "no");
  // Sleeping between events holds this pool thread: the dev worker is a test tool, and its pool
  // grows to max_threads.
  response.stream = [state, &stopping](server::StreamSink& sink) {
    for (;;) {
      auto delay = state->next == 0 ? std::chrono::milliseconds(0) : state->stream.delay;
      if (!wait_while_connected(sink, delay, stopping) || !sink.write(frame(*state))) {
        return false;
      }
      if (++state->next >= state->stream.events.size()) {
        // Counted before the terminating chunk goes out: a client that has seen the whole
        // response also sees it in /dev/stats.
        state->finish(true);
        return true;
      }
    }
  };
  return response;
}

}  // namespace smg::devworker
