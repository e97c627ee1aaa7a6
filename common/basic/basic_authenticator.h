// BasicAuthenticator: browser-admin HTTP Basic against configured users whose
// bcrypt hashes came from the environment.
//
// bcrypt at cost 12 costs ~200 ms, so a check per request would be a denial of service. Two
// defences: (1) a short-lived cache of credentials that verified, keyed by an HMAC (random key
// made at start-up) of username, password and the configured hash — never the password itself;
// a changed hash can never hit an old entry; (2) at most `max_concurrent_bcrypt` bcrypt runs at
// once, others wait up to `bcrypt_queue_timeout` and then fail with "basic_busy" (→ 429).
// Unknown users are verified against a dummy hash of the same cost, so response time does not
// reveal whether a user exists; failures are never cached.
// Thread-safety: authenticate() is thread-safe.
//
//   auto auth = BasicAuthenticator::build(users, {.realm = "smg admin"}, SystemClock::instance());
//   auto who = (*auth)->authenticate(request_authorization_header);
//   if (!who.ok()) ... // reason basic_invalid / basic_malformed / basic_busy / ...
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock/clock.h"
#include "common/crypto/crypto.h"
#include "common/status.h"

namespace smg::basic {

struct BasicUser {
  std::string username;
  std::string password_hash;  // bcrypt, read from password_hash_env
  std::string subject;        // e.g. basic:admin
  std::string domain;         // e.g. example/prod
  std::vector<std::string> permissions;  // e.g. admin:auth:read
};

struct BasicOptions {
  std::chrono::seconds cache_ttl{60};
  std::size_t cache_entries = 1024;
  std::size_t max_concurrent_bcrypt = 2;
  std::chrono::milliseconds bcrypt_queue_timeout{2000};
};

struct BasicIdentity {
  std::string username;
  std::string subject;
  std::string domain;
  std::vector<std::string> permissions;
};

class BasicAuthenticator {
 public:
  // Fails on a malformed hash (naming the user, never the hash), a duplicate username, or an
  // empty user list.
  static Result<std::unique_ptr<BasicAuthenticator>> build(std::vector<BasicUser> users,
                                                           BasicOptions options,
                                                           const Clock& clock);

  // `header_value` is the whole Authorization header value. Errors: those of
  // parse_basic_header, "basic_invalid" (unknown user or wrong password, one message for both),
  // "basic_busy" (kResourceExhausted).
  Result<BasicIdentity> authenticate(std::string_view header_value);

  uint64_t bcrypt_runs() const;  // bcrypt verifications performed (cache misses)

 private:
  BasicAuthenticator(std::vector<BasicUser> users, BasicOptions options, const Clock& clock,
                     std::string dummy_hash);
  std::string cache_key(const BasicUser& user, std::string_view password) const;
  bool cache_hit(const std::string& key);
  void cache_store(const std::string& key);
  Result<bool> bounded_verify(std::string_view password, const std::string& hash);

  std::vector<BasicUser> users_;
  BasicOptions options_;
  const Clock& clock_;
  std::string dummy_hash_;
  crypto::Secret hmac_key_;

  std::mutex cache_mutex_;
  std::list<std::pair<std::string, int64_t>> cache_lru_;  // key → expires_at
  std::unordered_map<std::string, std::list<std::pair<std::string, int64_t>>::iterator> cache_;

  mutable std::mutex bcrypt_mutex_;
  std::condition_variable bcrypt_freed_;
  std::size_t bcrypt_running_ = 0;
  uint64_t bcrypt_runs_ = 0;
};

}  // namespace smg::basic
