#include "server/devworker/sse_stream.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "server/http/serving_threads.h"

namespace smg::devworker {
namespace {

constexpr std::chrono::milliseconds kPollSlice{50};

struct StreamState {
  SseStream stream;
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

void finish(StreamState& state, DevStats& stats, bool completed) {
  if (!state.finished.exchange(true)) {
    stats.stream_finished(completed);
    state.in_flight.reset();
  }
}

}  // namespace

bool wait_while_connected(httplib::DataSink& sink, std::chrono::milliseconds delay,
                          const std::atomic<bool>& stopping) {
  const auto until = std::chrono::steady_clock::now() + delay;
  for (;;) {
    // is_writable() in httplib 0.11.4 also peeks the socket, so it is false once the peer closed.
    if (stopping || !sink.is_writable()) {
      return false;
    }
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return true;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, kPollSlice));
  }
}

void send_sse(httplib::Response& res, SseStream stream, DevStats& stats,
              std::shared_ptr<void> in_flight, const std::atomic<bool>& stopping) {
  // The stream holds this thread for its whole life: a replacement serves everyone else.
  server::ServingThreads::hand_off_current();
  auto state = std::make_shared<StreamState>();
  state->stream = std::move(stream);
  state->in_flight = std::move(in_flight);
  stats.stream_started();
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  auto provider = [state, &stats, &stopping](std::size_t, httplib::DataSink& sink) {
    auto delay = state->next == 0 ? std::chrono::milliseconds(0) : state->stream.delay;
    if (!wait_while_connected(sink, delay, stopping)) {
      return false;
    }
    std::string text = frame(*state);
    if (!sink.write(text.data(), text.size())) {
      return false;
    }
    if (++state->next >= state->stream.events.size()) {
      // Counted before the terminating chunk goes out: a client that has seen the whole
      // response also sees it in /dev/stats.
      finish(*state, stats, true);
      sink.done();
    }
    return true;
  };
  // httplib calls the releaser when the response dies, whether or not the provider ever ran;
  // a stream not finished by then was cut short.
  auto releaser = [state, &stats](bool) { finish(*state, stats, false); };
  res.set_chunked_content_provider("text/event-stream", std::move(provider), std::move(releaser));
}

}  // namespace smg::devworker
