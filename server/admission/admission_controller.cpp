#include "server/admission/admission_controller.h"

namespace smg::admission {

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

Result<Permit> AdmissionController::acquire() {
  if (options_.max_concurrent == 0) {
    return Permit();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (in_flight_ < options_.max_concurrent) {
    ++in_flight_;
    return Permit(this);
  }
  if (waiting_ >= options_.queue_size) {
    return Status(Code::kResourceExhausted, "admission_queue_full",
                  "Too many concurrent requests; the admission queue is full");
  }
  ++waiting_;
  bool admitted = freed_.wait_for(lock, options_.queue_timeout,
                                  [&] { return in_flight_ < options_.max_concurrent; });
  --waiting_;
  if (!admitted) {
    return unavailable("admission_queue_timeout",
                       "Timed out waiting for a free request slot");
  }
  ++in_flight_;
  return Permit(this);
}

void AdmissionController::release() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
  }
  freed_.notify_one();
}

std::size_t AdmissionController::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

std::size_t AdmissionController::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_;
}

}  // namespace smg::admission
