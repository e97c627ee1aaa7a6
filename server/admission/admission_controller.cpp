#include "server/admission/admission_controller.h"

#include <algorithm>

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

AdmissionController::AdmissionController(AdmissionOptions options)
    : options_(options),
      clock_(options.clock != nullptr ? *options.clock : SystemClock::instance()),
      bucket_(static_cast<double>(options.max_concurrent), options.refill_per_second,
              clock_.steady_now()) {}

Result<Permit> AdmissionController::acquire() {
  if (options_.max_concurrent == 0) {
    return Permit();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  bucket_.refill(clock_.steady_now());
  // Nobody waiting and a token free: in at once. Otherwise behind those already waiting (FIFO).
  if (waiters_.empty() && bucket_.try_take()) {
    ++in_flight_;
    return Permit(this);
  }
  if (waiters_.size() >= options_.queue_size) {
    return Status(Code::kResourceExhausted, "admission_queue_full",
                  "Too many concurrent requests; the admission queue is full");
  }
  uint64_t ticket = next_ticket_++;
  waiters_.push_back(ticket);
  bool admitted = wait_for_turn(lock, ticket);
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), ticket));
  changed_.notify_all();  // the next in line may be at the head now
  if (!admitted) {
    return unavailable("admission_queue_timeout", "Timed out waiting for a free request slot");
  }
  ++in_flight_;
  return Permit(this);
}

// Waits until this ticket heads the queue and a token is there (taken before returning true), or
// the queue timeout passes. The head also wakes when the refill makes its next token.
bool AdmissionController::wait_for_turn(std::unique_lock<std::mutex>& lock, uint64_t ticket) {
  auto deadline = std::chrono::steady_clock::now() + options_.queue_timeout;
  for (;;) {
    bucket_.refill(clock_.steady_now());
    bool head = waiters_.front() == ticket;
    if (head && bucket_.try_take()) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    auto wake = deadline;
    auto until_token = bucket_.until_token();
    if (head && until_token < deadline - now) wake = now + until_token;
    changed_.wait_until(lock, wake);
  }
}

void AdmissionController::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
    bucket_.give_back();
  }
  changed_.notify_all();
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
