// PreLoginStore: OIDC logins in flight, keyed by their `state` (the interface), and
// MemoryPreLoginStore, the one-replica implementation (RedisPreLoginStore shares them).
//
// Each entry holds what the callback needs (nonce, PKCE verifier) and the SHA-256 of the
// pre-login cookie value that binds the login to the browser that started it (no login CSRF).
// Entries are single use (take() removes), live `ttl_secs` (10 min), and are bounded: at most
// `max_total` (256) in flight and `max_per_client` (32) per client address, so an anonymous
// client cannot fill memory; over a bound add() fails with kResourceExhausted
// "oidc_login_rate_limited". Several entries per browser are fine (multi-tab).
// Thread-safety: every implementation is thread-safe.
//
//   MemoryPreLoginStore logins({}, clock);
//   logins.add(state, {.nonce = n, .code_verifier = v, .binding_sha256 = b, .client = ip});
//   auto pending = logins.take(state);    // "oidc_state_invalid" when unknown, used or expired
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock/clock.h"
#include "common/status.h"

namespace smg::session {

struct PendingLogin {
  std::string nonce{};
  std::string code_verifier{};
  std::string binding_sha256;  // hex SHA-256 of the pre-login cookie value
  std::string client{};          // client address, for the per-client bound
  int64_t created_at = 0;      // set by add()
};

struct PreLoginLimits {
  int64_t ttl_secs = 600;
  std::size_t max_total = 256;
  std::size_t max_per_client = 32;
};

class PreLoginStore {
 public:
  virtual ~PreLoginStore() = default;
  // kResourceExhausted "oidc_login_rate_limited" over a bound; "oidc_state_duplicate".
  virtual Status add(const std::string& state, PendingLogin login) = 0;
  // Single use: "oidc_state_invalid" when unknown, used or expired.
  virtual Result<PendingLogin> take(std::string_view state) = 0;
  virtual const PreLoginLimits& limits() const = 0;
};

Status oidc_state_invalid();

class MemoryPreLoginStore final : public PreLoginStore {
 public:
  // REQUIRES: `clock` outlives the store.
  MemoryPreLoginStore(PreLoginLimits limits, const Clock& clock);

  Status add(const std::string& state, PendingLogin login) override;
  Result<PendingLogin> take(std::string_view state) override;
  std::size_t size();
  const PreLoginLimits& limits() const override { return limits_; }

 private:
  void purge_locked(int64_t now);

  PreLoginLimits limits_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, PendingLogin> pending_;
  std::unordered_map<std::string, std::size_t> per_client_;
};

}  // namespace smg::session
