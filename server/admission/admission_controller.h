// Admission control for the data plane (`--max-concurrent-requests`, `--queue-size`,
// `--queue-timeout-secs`): at most N requests (streams included) run at once; up to queue_size
// more wait, each at most queue_timeout; past that the gateway answers 429
// `admission_queue_full`, and a waiter that times out gets 503 `admission_queue_timeout`.
// Disabled (max_concurrent == 0) it admits everything and costs one branch.
// Thread-safety: thread-safe.
//
//   AdmissionController admission({.max_concurrent = 256, .queue_size = 100});
//   auto permit = admission.acquire();
//   if (!permit.ok()) return error_for(permit.status());   // 429 / 503
//   ... the permit is released when it goes out of scope
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "common/status.h"

namespace smg::admission {

struct AdmissionOptions {
  std::size_t max_concurrent = 0;  // 0: no limit
  std::size_t queue_size = 100;
  std::chrono::milliseconds queue_timeout{60000};
};

class AdmissionController;

class Permit {
 public:
  Permit() = default;
  explicit Permit(AdmissionController* owner) : owner_(owner) {}
  Permit(Permit&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
  Permit& operator=(Permit&& other) noexcept;
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit();

 private:
  AdmissionController* owner_ = nullptr;
};

class AdmissionController {
 public:
  explicit AdmissionController(AdmissionOptions options) : options_(options) {}

  // Fails with reason "admission_queue_full" (kResourceExhausted) or "admission_queue_timeout"
  // (kUnavailable).
  Result<Permit> acquire();
  std::size_t in_flight() const;
  std::size_t waiting() const;
  const AdmissionOptions& options() const { return options_; }

 private:
  friend class Permit;
  void release();

  AdmissionOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t in_flight_ = 0;
  std::size_t waiting_ = 0;
};

}  // namespace smg::admission
