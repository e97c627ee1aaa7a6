#include "server/devworker/sse_stream.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <utility>

namespace smg::devworker {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How often a long wait looks at `stopping`.
constexpr std::chrono::milliseconds kStopCheck{200};

class TimedEvents final : public server::BodySource,
                          public std::enable_shared_from_this<TimedEvents> {
 public:
  TimedEvents(SseStream events, DevStats& stats, std::shared_ptr<void> in_flight,
              const std::atomic<bool>& stopping, asio::io_context& io)
      : stream_(std::move(events)), stats_(stats), in_flight_(std::move(in_flight)),
        stopping_(stopping), timer_(asio::make_strand(io)) {
    stats_.stream_started();
  }
  // A stream the engine never ran (a HEAD request, a client gone first) was cut short too.
  ~TimedEvents() override { finish(false); }

  void pull(std::function<void(server::BodyPiece)> ready) override {
    asio::post(timer_.get_executor(), [self = shared_from_this(), ready = std::move(ready)]() mutable {
      auto delay = self->next_ == 0 ? std::chrono::milliseconds(0) : self->stream_.delay;
      self->wait(Clock::now() + delay, std::move(ready));
    });
  }

  void cancel() override {
    cancelled_ = true;
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

 private:
  void wait(Clock::time_point until, std::function<void(server::BodyPiece)> ready) {
    if (cancelled_ || stopping_) {
      finish(false);
      server::BodyPiece failed;
      failed.failed = true;
      ready(std::move(failed));
      return;
    }
    if (Clock::now() >= until) {
      ready(next_piece());
      return;
    }
    timer_.expires_at(std::min(until, Clock::now() + kStopCheck));
    timer_.async_wait([self = shared_from_this(), until,
                       ready = std::move(ready)](boost::system::error_code) mutable {
      self->wait(until, std::move(ready));
    });
  }

  // The next event, followed by [DONE] when it is the last one.
  server::BodyPiece next_piece() {
    server::BodyPiece piece;
    const auto& events = stream_.events;
    if (!events.empty()) piece.bytes = "data: " + events[next_] + "\n\n";
    if (next_ + 1 >= events.size()) {
      piece.bytes += "data: [DONE]\n\n";
      piece.end = true;
      // Counted before the terminating chunk goes out: a client that has seen the whole
      // response also sees it in /dev/stats.
      finish(true);
    }
    ++next_;
    return piece;
  }

  void finish(bool completed) {
    if (!finished_.exchange(true)) {
      stats_.stream_finished(completed);
      in_flight_.reset();
    }
  }

  SseStream stream_;
  DevStats& stats_;
  std::shared_ptr<void> in_flight_;
  const std::atomic<bool>& stopping_;
  asio::steady_timer timer_;
  std::size_t next_ = 0;  // on the timer's strand
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> finished_{false};
};

}  // namespace

server::Response sse_response(SseStream stream, DevStats& stats, std::shared_ptr<void> in_flight,
                              const std::atomic<bool>& stopping, asio::io_context& io) {
  server::Response response;
  response.content_type = "text/event-stream";
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Accel-Buffering", "no");
  response.source =
      std::make_shared<TimedEvents>(std::move(stream), stats, std::move(in_flight), stopping, io);
  return response;
}

}  // namespace smg::devworker
