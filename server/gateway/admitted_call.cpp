#include "server/gateway/admitted_call.h"

#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace smg::server {
namespace {

using admission::AdmissionController;
using admission::Permit;

// The answer of a call that waits in the admission queue. Its grant may come before the engine
// calls start() (then it is kept until then), and cancel() at any moment.
class QueuedCall final : public Deferred {
 public:
  QueuedCall(AdmissionController& admission, AdmittedNext next)
      : admission_(admission), next_(std::move(next)) {}

  void granted(Result<Permit> permit) {
    std::function<void(Response)> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!done_) {
        granted_.emplace(std::move(permit));
        return;
      }
      done = std::move(done_);
    }
    proceed(std::move(done), std::move(permit));
  }

  // Before the engine sees the call: a grant that came already (a token freed, or the queue
  // full), taken to run `next` at once.
  std::optional<Result<Permit>> take_granted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return take_granted_locked();
  }

  void set_ticket(AdmissionController::Ticket ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    ticket_ = ticket;
  }

  Response run_next(Result<Permit> permit) { return next_(std::move(permit)); }

  void start(std::function<void(Response)> done) override {
    std::optional<Result<Permit>> permit;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!granted_ && !withdrawn_) {
        done_ = std::move(done);
        return;
      }
      permit = take_granted_locked();
    }
    if (!permit) {
      done(gone());
      return;
    }
    proceed(std::move(done), std::move(*permit));
  }

  void cancel() override {
    std::shared_ptr<Deferred> inner;
    AdmissionController::Ticket ticket = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
      inner = inner_;
      ticket = ticket_;
    }
    if (inner) {
      inner->cancel();
      return;
    }
    if (!admission_.cancel(ticket)) return;  // granted meanwhile: proceed() sees cancelled_
    std::function<void(Response)> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      withdrawn_ = true;
      done = std::move(done_);
    }
    if (done) done(gone());
  }

 private:
  // What a client that left while queued is answered (the engine sends it nowhere).
  static Response gone() {
    return error_response(503, "admission_queue_timeout", "The client left the admission queue",
                          "admission_queue_timeout");
  }

  std::optional<Result<Permit>> take_granted_locked() {
    std::optional<Result<Permit>> taken = std::move(granted_);
    granted_.reset();
    return taken;
  }

  // With the grant (a permit, or the queue's 429/503) and the engine's callback.
  void proceed(std::function<void(Response)> done, Result<Permit> permit) {
    bool cancelled = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled = cancelled_;
    }
    if (cancelled) {  // the client left while queued: the permit goes back as this returns
      done(gone());
      return;
    }
    Response response = next_(std::move(permit));
    if (!response.deferred) {
      done(std::move(response));
      return;
    }
    std::shared_ptr<Deferred> inner = response.deferred;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      inner_ = inner;
      cancelled = cancelled_;
    }
    inner->start(std::move(done));
    if (cancelled) inner->cancel();  // the client left while `next` ran
  }

  AdmissionController& admission_;
  AdmittedNext next_;
  std::mutex mutex_;
  std::optional<Result<Permit>> granted_;  // a grant that came before start()
  std::function<void(Response)> done_;     // start()'s, while the grant is awaited
  std::shared_ptr<Deferred> inner_;        // what `next` answered, deferred
  AdmissionController::Ticket ticket_ = 0;
  bool cancelled_ = false;
  bool withdrawn_ = false;  // taken out of the queue: no grant will come
};

}  // namespace

Response admit_then(AdmissionController& admission, AdmittedNext next) {
  if (std::optional<Permit> now = admission.try_acquire()) return next(std::move(*now));
  auto call = std::make_shared<QueuedCall>(admission, std::move(next));
  AdmissionController::Ticket ticket =
      admission.acquire_async([call](Result<Permit> permit) { call->granted(std::move(permit)); });
  if (auto permit = call->take_granted()) return call->run_next(std::move(*permit));
  call->set_ticket(ticket);
  Response waiting;
  waiting.deferred = call;
  return waiting;
}

}  // namespace smg::server
