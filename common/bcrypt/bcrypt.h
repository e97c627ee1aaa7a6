// bcrypt password hashing on libxcrypt (crypt_gensalt_rn / crypt_rn), for HTTP Basic users and
// `smgctl hash`.
//
// Hashes are made with the `$2b$` prefix; `$2a$`, `$2b$` and `$2y$` hashes verify (they are the
// same algorithm for every password this module accepts). `$2x$` (the buggy pre-2011 variant)
// is refused as malformed.
//
// Passwords longer than 72 bytes are REJECTED by hash_password (reason "password_too_long") and
// never match in verify_password: bcrypt itself silently ignores every byte after the 72nd, so
// two passwords sharing a 72-byte prefix would be interchangeable. A NUL byte is refused for the
// same reason (bcrypt stops at the first NUL).
//
// Thread-safety: every function is thread-safe (each call has its own struct crypt_data).
//
//   auto hash = smg::bcrypt::hash_password("correct horse", 12);   // "$2b$12$..."
//   auto ok = smg::bcrypt::verify_password("correct horse", *hash);
//   if (!ok.ok()) { /* malformed hash */ } else if (*ok) { /* match */ }
//   // Unknown user: spend the same time, then refuse.
//   static const std::string dummy = *smg::bcrypt::dummy_hash(12);
//   (void)smg::bcrypt::verify_password(presented, dummy);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace smg::bcrypt {

constexpr int kMinCost = 4;
constexpr int kMaxCost = 31;
constexpr int kDefaultCost = 12;
// bcrypt's key schedule uses at most 72 bytes of the password.
constexpr std::size_t kMaxPasswordBytes = 72;

// A `$2b$` hash with a fresh 128-bit salt. Errors (all kInvalidArgument): "bad_bcrypt_cost"
// (cost outside 4..31), "password_too_long" (> 72 bytes), "password_has_nul".
Result<std::string> hash_password(std::string_view password, int cost = kDefaultCost);

// True when `password` matches `hash`; the recomputed hash is compared in constant time.
// A password over 72 bytes or containing NUL is never a match. A hash that is not
// `$2[aby]$NN$<53 bcrypt-base64 chars>` is an error ("malformed_bcrypt_hash"), never a crash.
Result<bool> verify_password(std::string_view password, std::string_view hash);

// A valid hash of a random, forgotten password: verify against it when the user is unknown so
// the response time does not reveal whether the user exists. Use the cost of the real hashes;
// it costs one bcrypt run, so compute it once at start-up.
Result<std::string> dummy_hash(int cost = kDefaultCost);

// The cost factor of a well-formed hash, e.g. 12 for "$2b$12$...".
Result<int> parse_cost(std::string_view hash);

}  // namespace smg::bcrypt
