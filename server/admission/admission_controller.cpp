#include "server/admission/admission_controller.h"

#include <algorithm>
#include <future>
#include <utility>

namespace smg::admission {

AdmissionBucket::AdmissionBucket(double capacity, double refill_per_second, TimePoint now)
    : capacity_(capacity), refill_per_second_(refill_per_second), tokens_(capacity), last_(now) {}

void AdmissionBucket::refill(TimePoint now) {
  if (refill_per_second_ <= 0 || now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(capacity_, tokens_ + elapsed * refill_per_second_);
  last_ = now;
}

bool AdmissionBucket::try_take() {
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void AdmissionBucket::give_back() { tokens_ = std::min(capacity_, tokens_ + 1.0); }

std::chrono::nanoseconds AdmissionBucket::until_token() const {
  if (tokens_ >= 1.0) return std::chrono::nanoseconds(0);
  if (refill_per_second_ <= 0) return std::chrono::nanoseconds::max();
  double seconds = (1.0 - tokens_) / refill_per_second_;
  // At least a microsecond, so a float remainder never makes a busy loop.
  return std::max(std::chrono::nanoseconds(1000),
                  std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9) + 1));
}

Permit& Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (owner_ != nullptr) owner_->release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

Permit::~Permit() {
  if (owner_ != nullptr) owner_->release();
}

namespace {

Status queue_full() {
  return Status(Code::kResourceExhausted, "admission_queue_full",
                "Too many concurrent requests; the admission queue is full");
}

Status queue_timeout() {
  return unavailable("admission_queue_timeout", "Timed out waiting for a free request slot");
}

// The grants this thread is running: a grant that ends another request (its permit released
// inside the grant) adds to this list instead of nesting, so a long queue never deepens the stack.
thread_local std::vector<std::pair<AdmissionController::Grant, Result<Permit>>>* running = nullptr;

}  // namespace

AdmissionController::AdmissionController(AdmissionOptions options)
    : options_(options),
      clock_(options.clock != nullptr ? *options.clock : SystemClock::instance()),
      bucket_(static_cast<double>(options.max_concurrent), options.refill_per_second,
              clock_.steady_now()) {
  if (options_.max_concurrent > 0) timer_ = std::thread([this] { run_timer(); });
}

AdmissionController::~AdmissionController() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (timer_.joinable()) timer_.join();
}

AdmissionController::Ticket AdmissionController::acquire_async(Grant grant) {
  if (options_.max_concurrent == 0) {
    grant(Permit());
    return 0;
  }
  Grants grants;
  Ticket ticket = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (take_for_newcomer_locked()) {
      grants.emplace_back(std::move(grant), Permit(this));
    } else if (waiters_.size() >= options_.queue_size) {
      grants.emplace_back(std::move(grant), queue_full());
    } else {
      ticket = next_ticket_++;
      waiters_.push_back(
          {ticket, std::chrono::steady_clock::now() + options_.queue_timeout, std::move(grant)});
    }
  }
  if (ticket != 0) {
    changed_.notify_all();  // the timer thread learns the new deadline
  } else {
    run(grants);
  }
  return ticket;
}

// Nobody waiting and a token free: in at once. Otherwise behind those already waiting (FIFO).
bool AdmissionController::take_for_newcomer_locked() {
  bucket_.refill(clock_.steady_now());
  if (!waiters_.empty() || !bucket_.try_take()) return false;
  ++in_flight_;
  return true;
}

std::optional<Permit> AdmissionController::try_acquire() {
  if (options_.max_concurrent == 0) return Permit();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!take_for_newcomer_locked()) return std::nullopt;
  return Permit(this);
}

bool AdmissionController::cancel(Ticket ticket) {
  if (ticket == 0) return false;
  Grant dropped;  // destroyed outside the lock: it may own a request's state
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = std::find_if(waiters_.begin(), waiters_.end(),
                              [ticket](const Waiter& w) { return w.ticket == ticket; });
    if (found == waiters_.end()) return false;
    dropped = std::move(found->grant);
    waiters_.erase(found);
  }
  return true;
}

Result<Permit> AdmissionController::acquire() {
  std::promise<Result<Permit>> granted;
  std::future<Result<Permit>> result = granted.get_future();
  acquire_async([&granted](Result<Permit> permit) { granted.set_value(std::move(permit)); });
  return result.get();
}

void AdmissionController::collect_locked(Grants& grants, std::chrono::steady_clock::time_point now) {
  bucket_.refill(clock_.steady_now());
  while (!waiters_.empty() && bucket_.try_take()) {
    ++in_flight_;
    grants.emplace_back(std::move(waiters_.front().grant), Permit(this));
    waiters_.pop_front();
  }
  while (!waiters_.empty() && waiters_.front().deadline <= now) {
    grants.emplace_back(std::move(waiters_.front().grant), queue_timeout());
    waiters_.pop_front();
  }
}

void AdmissionController::run(Grants& grants) {
  if (running != nullptr) {  // inside a grant on this thread: the outer loop runs these
    for (auto& entry : grants) running->push_back(std::move(entry));
    return;
  }
  running = &grants;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    auto entry = std::move(grants[i]);  // the vector may grow while this one runs
    try {
      entry.first(std::move(entry.second));
    } catch (...) {
      // A grant that throws loses only its own request; the others still run.
    }
  }
  running = nullptr;
}

// The one thread that waits: for the head waiter's deadline, or for the refill's next token.
void AdmissionController::run_timer() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (waiters_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    Grants grants;
    collect_locked(grants, now);
    if (!grants.empty()) {
      lock.unlock();
      run(grants);
      grants.clear();  // permits of grants that did not take them are released unlocked
      lock.lock();
      continue;
    }
    if (waiters_.empty()) continue;
    auto wake = waiters_.front().deadline;
    auto until_token = bucket_.until_token();
    if (until_token < wake - now) wake = now + until_token;
    changed_.wait_until(lock, wake);
  }
}

void AdmissionController::release() {
  Grants grants;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
    bucket_.give_back();
    collect_locked(grants, std::chrono::steady_clock::now());
  }
  if (!grants.empty()) run(grants);
}

std::size_t AdmissionController::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

std::size_t AdmissionController::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiters_.size();
}

}  // namespace smg::admission
