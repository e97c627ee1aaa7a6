// Recognises policy fields that look like credentials, so that a key pasted into a policy line
// (where it would be logged, diffed and shown by `smgctl policy check`) is refused at load.
//
// Policy lines hold names: subjects, roles, domains, objects, actions. A field is refused when it
// contains an API-key prefix (`sk-`, `smgk_`), a `Bearer ` credential, PEM armour, a bcrypt hash,
// or a run of >= 32 base64/hex characters that is random-looking (digits and letters mixed, and
// high character entropy), which long readable names and UUIDs are not.
// Thread-safety: pure function.
//
//   looks_like_secret("reports_admin");                          // false
//   looks_like_secret("sk-live-4f9a8c1e0b7d2a6c");                // true
//   looks_like_secret("caller:9f86d081884c7d659a2feaa0c55ad015"); // true (32 hex chars)
#pragma once

#include <string_view>

namespace smg::policy {

// Runs of this many token characters or more are checked for randomness.
inline constexpr std::size_t kMinSecretRunLength = 32;

bool looks_like_secret(std::string_view field);

}  // namespace smg::policy
