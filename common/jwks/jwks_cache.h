// JwksCache: the IdP's current JwkSet, fetched over HTTP and kept fresh.
//
// Source: `jwks_uri`, or `issuer` + "/.well-known/openid-configuration" → `jwks_uri` (the
// discovery document's `issuer` must equal the configured one exactly). Every URL must pass
// http::check_fetch_url (https, or http to loopback); redirects are never followed; responses are
// capped (1 MiB) and time-limited (10 s).
// Freshness: TTL from `Cache-Control: max-age`, clamped to [min_ttl, max_ttl]; absent or
// no-store → default_ttl. An unknown kid triggers at most one refetch per kid_miss_cooldown,
// counted from the last unknown-kid refetch (not from a start-up or expiry fetch, so a key
// published just after start-up is accepted at once), so a flood of random kids costs one fetch.
// When a fetch of any kind fails, the last good set keeps serving and no fetch is tried again
// for the cooldown (a down IdP is not hammered). Never fetched successfully → Status
// unavailable, reason "jwks_unavailable" (fail closed).
// Thread-safety: all methods are thread-safe; one fetch at a time (single-flight), and the lock
// is not held across HTTP calls.
//
//   smg::jwks::JwksCache cache({.issuer = "https://idp.example"}, *http_client, clock);
//   auto keys = cache.key_set_for_kid("key-2");    // refetches once if "key-2" is new
//   if (!keys.ok()) return keys.status();          // "jwks_unavailable"
//   auto verified = smg::jwt::verify(token, **keys, policy, clock);
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock/clock.h"
#include "common/http/http_client.h"
#include "common/jwks/jwk_set.h"
#include "common/status.h"

namespace smg::jwks {

struct JwksCacheOptions {
  std::string jwks_uri{};  // used as is when set
  std::string issuer{};    // else discovery from here
  std::chrono::seconds default_ttl{3600};
  std::chrono::seconds min_ttl{60};
  std::chrono::seconds max_ttl{86400};
  // Between two unknown-kid refetches; also the hold-off after a failed fetch.
  std::chrono::seconds kid_miss_cooldown{30};
  std::chrono::milliseconds timeout{10000};
  std::size_t max_response_bytes = 1 << 20;
  http::TlsOptions tls{};
};

using KeySetPtr = std::shared_ptr<const JwkSet>;

class JwksCache {
 public:
  // REQUIRES: `client` and `clock` outlive the cache.
  JwksCache(JwksCacheOptions options, const http::HttpClient& client, const Clock& clock);

  // The current set, fetching first when there is none or it has expired.
  Result<KeySetPtr> key_set();
  // As key_set(), plus one refetch when `kid` is not in the set and the cooldown allows.
  Result<KeySetPtr> key_set_for_kid(std::string_view kid);
  // The key with this kid (after a possible refetch); reason "jwks_unknown_kid" when absent.
  Result<Jwk> find_key(std::string_view kid);

  // Changes whenever a fetch brings a different key set; 0 before the first success.
  uint64_t generation() const;
  // Number of fetch attempts made (JWKS documents, not discovery); for tests and metrics.
  uint64_t fetch_count() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  enum class Trigger { kExpired, kKidMiss };
  Result<KeySetPtr> refresh(Trigger trigger, std::string_view kid = {});
  bool should_fetch_locked(Trigger trigger, std::string_view kid, TimePoint now) const;
  Result<KeySetPtr> current_or_unavailable_locked() const;
  Result<std::string> resolve_jwks_uri();
  Result<http::Response> fetch(const std::string& url) const;
  void store_locked(KeySetPtr set, const std::string& fingerprint, std::chrono::seconds ttl,
                    TimePoint now);

  const JwksCacheOptions options_;
  const http::HttpClient& client_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable fetch_done_;
  bool fetching_ = false;
  KeySetPtr set_;
  std::string fingerprint_{};
  std::string jwks_uri_{};  // resolved (explicit or discovered)
  TimePoint expires_at_{};
  // The last unknown-kid refetch, successful or not: the kid-miss cooldown counts from here.
  std::optional<TimePoint> last_kid_miss_fetch_{};
  // After a failed fetch nothing is fetched before this, whatever triggers it.
  TimePoint retry_after_ = TimePoint::min();
  // Atomic so that generation(), read on every JWT-authenticated request, takes no lock; changed
  // only under mutex_.
  std::atomic<uint64_t> generation_{0};
  uint64_t fetch_count_ = 0;
};

// max-age from a Cache-Control value, clamped; default_ttl when absent or no-store.
std::chrono::seconds ttl_from_cache_control(std::string_view cache_control,
                                            const JwksCacheOptions& options);

}  // namespace smg::jwks
