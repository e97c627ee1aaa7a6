#include "server/gateway/admitted_call.h"

#include <catch2/catch.hpp>
#include <future>
#include <optional>

using smg::Result;
using smg::admission::AdmissionController;
using smg::admission::AdmissionOptions;
using smg::admission::Permit;
using smg::server::admit_then;
using smg::server::Response;

TEST_CASE("admitted call: a free token runs next at once, no deferred", "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 2, .queue_size = 4});
  int ran = 0;
  Response answer = admit_then(admission, [&](Result<Permit> permit) {
    ++ran;
    CHECK(permit.ok());
    CHECK(admission.in_flight() == 1);
    return smg::server::text_response(200, "ok");
  });
  CHECK(ran == 1);
  CHECK_FALSE(answer.deferred);
  CHECK(answer.body == "ok");
  CHECK(admission.in_flight() == 0);  // next dropped the permit
}

TEST_CASE("admitted call: queued, it answers once the token comes back", "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 1, .queue_size = 4});
  auto held = admission.acquire();
  REQUIRE(held.ok());
  std::optional<Permit> kept;
  Response answer = admit_then(admission, [&](Result<Permit> permit) {
    REQUIRE(permit.ok());
    kept.emplace(std::move(*permit));
    return smg::server::text_response(200, "forwarded");
  });
  REQUIRE(answer.deferred);
  CHECK(admission.waiting() == 1);
  std::optional<Response> done;
  answer.deferred->start([&](Response r) { done.emplace(std::move(r)); });
  CHECK_FALSE(done.has_value());
  *held = Permit();
  REQUIRE(done.has_value());
  CHECK(done->body == "forwarded");
  CHECK(admission.in_flight() == 1);  // the forwarded call holds it
}

TEST_CASE("admitted call: a grant before start is kept for start", "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 1, .queue_size = 4});
  auto held = admission.acquire();
  REQUIRE(held.ok());
  Response answer =
      admit_then(admission, [](Result<Permit>) { return smg::server::text_response(200, "late"); });
  REQUIRE(answer.deferred);
  *held = Permit();  // granted while the engine has not started the deferred yet
  std::optional<Response> done;
  answer.deferred->start([&](Response r) { done.emplace(std::move(r)); });
  REQUIRE(done.has_value());
  CHECK(done->body == "late");
}

TEST_CASE("admitted call: a client that leaves the queue frees its place at once",
          "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 1, .queue_size = 1});
  auto held = admission.acquire();
  REQUIRE(held.ok());
  int ran = 0;
  Response answer = admit_then(admission, [&](Result<Permit>) {
    ++ran;
    return smg::server::text_response(200, "never");
  });
  REQUIRE(answer.deferred);
  std::optional<Response> done;
  answer.deferred->start([&](Response r) { done.emplace(std::move(r)); });
  // The queue (size 1) is full: another caller is refused 429 at once.
  Response refused = admit_then(admission, [](Result<Permit> permit) {
    CHECK_FALSE(permit.ok());
    return smg::server::text_response(429, permit.status().reason());
  });
  CHECK(refused.body == "admission_queue_full");
  answer.deferred->cancel();
  REQUIRE(done.has_value());  // the engine's callback always runs
  CHECK(admission.waiting() == 0);
  *held = Permit();
  CHECK(ran == 0);
  CHECK(admission.in_flight() == 0);
}

TEST_CASE("admitted call: the queue timeout answers through next", "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{
      .max_concurrent = 1, .queue_size = 1, .queue_timeout = std::chrono::milliseconds(20)});
  auto held = admission.acquire();
  REQUIRE(held.ok());
  Response answer = admit_then(admission, [](Result<Permit> permit) {
    return smg::server::text_response(permit.ok() ? 200 : 503,
                                      permit.ok() ? "ok" : permit.status().reason());
  });
  REQUIRE(answer.deferred);
  std::promise<Response> done;
  auto result = done.get_future();
  answer.deferred->start([&](Response r) { done.set_value(std::move(r)); });
  REQUIRE(result.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  Response r = result.get();
  CHECK(r.status == 503);
  CHECK(r.body == "admission_queue_timeout");
}

namespace {

// What `next` answers when the worker's answer is itself deferred: records start and cancel.
class RecordingDeferred final : public smg::server::Deferred {
 public:
  void start(std::function<void(Response)> done) override { done_ = std::move(done); }
  void cancel() override {
    ++cancels;
    if (done_) done_(smg::server::text_response(499, "cancelled"));
  }
  int cancels = 0;

 private:
  std::function<void(Response)> done_;
};

}  // namespace

TEST_CASE("admitted call: a client that leaves after the grant cancels what next started",
          "[admitted-call]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 1, .queue_size = 4});
  auto held = admission.acquire();
  REQUIRE(held.ok());
  auto forwarded = std::make_shared<RecordingDeferred>();
  Response answer = admit_then(admission, [&](Result<Permit> permit) {
    REQUIRE(permit.ok());
    Response waiting;
    waiting.deferred = forwarded;  // the worker has not answered yet
    return waiting;
  });
  REQUIRE(answer.deferred);
  std::optional<Response> done;
  answer.deferred->start([&](Response r) { done.emplace(std::move(r)); });
  *held = Permit();  // granted: next runs and starts the forwarded call
  CHECK_FALSE(done.has_value());
  answer.deferred->cancel();
  CHECK(forwarded->cancels == 1);  // passed on, not swallowed
  REQUIRE(done.has_value());
  CHECK(done->status == 499);
}

TEST_CASE("admission: try_acquire takes a free token only when nobody waits", "[admission]") {
  AdmissionController admission(AdmissionOptions{.max_concurrent = 1, .queue_size = 4});
  std::optional<Permit> first = admission.try_acquire();
  REQUIRE(first.has_value());
  CHECK_FALSE(admission.try_acquire().has_value());  // no token
  std::optional<Result<Permit>> queued;
  admission.acquire_async([&](Result<Permit> permit) { queued.emplace(std::move(permit)); });
  CHECK(admission.waiting() == 1);
  first.reset();  // the waiter gets it, not a later try
  REQUIRE(queued.has_value());
  CHECK(queued->ok());
  CHECK_FALSE(admission.try_acquire().has_value());
  AdmissionController disabled(AdmissionOptions{});
  CHECK(disabled.try_acquire().has_value());
}
